"""Speech to text on faster-whisper (CTranslate2): Whisper models quantized to int8 on the CPU.

A catalog entry's `file = "."` is the model directory (model.bin, config.json, tokenizer.json, vocabulary.txt).
Silero VAD (shipped inside faster-whisper) cuts out the pauses first: less audio to decode, fewer hallucinations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from edgekit.engines import Engine
from edgekit.errors import BadInput, EngineError

if TYPE_CHECKING:  # numpy and PyAV load with the first audio, not when the engine is registered
    import numpy as np

BEAM_SIZE = 5  # faster-whisper's default beam search


@dataclass
class Segment:
    start: float
    end: float
    text: str


@dataclass
class Transcript:
    text: str
    language: str
    duration_s: float
    model: str
    segments: list[Segment] = field(default_factory=list)

    def as_dict(self) -> dict:
        """What the CLI and the API show: the segments stay in Python."""
        return {"text": self.text, "language": self.language, "duration_s": self.duration_s, "model": self.model}


class FasterWhisperEngine(Engine):
    task = "stt"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._whisper = None

    @property
    def loaded(self) -> bool:
        return self._whisper is not None

    def load(self) -> None:
        from faster_whisper import WhisperModel  # imported here: the CLI should start fast when no model is needed

        try:
            self._whisper = WhisperModel(
                str(self.model_path),
                device="cpu",
                compute_type="int8",
                cpu_threads=self.settings.threads,
                local_files_only=True,  # never reach for a model hub: the box is offline
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise EngineError(f"faster-whisper could not load {self.model_path}: {exc}") from exc

    def unload(self) -> None:
        self._whisper = None  # CTranslate2 frees the weights when the last reference goes

    def _require(self):
        if self._whisper is None:
            self.load()
        return self._whisper

    @property
    def languages(self) -> list[str]:
        return list(self._require().supported_languages)

    def transcribe(
        self,
        audio: np.ndarray,
        language: str | None = None,
        *,
        hotwords: str | None = None,
        initial_prompt: str | None = None,
    ) -> Transcript:
        """Transcribe 16 kHz mono float32 samples. language=None detects it (multilingual models only).

        hotwords and initial_prompt both steer the decoder toward words an app expects (drug names, crops):
        hotwords are short keywords, initial_prompt reads as text said just before.
        """
        whisper = self._require()
        language = self.check_language(language)
        try:
            pieces, info = whisper.transcribe(
                audio,
                language=language,
                beam_size=BEAM_SIZE,
                vad_filter=True,
                hotwords=hotwords or None,
                initial_prompt=initial_prompt or None,
            )
            segments = [Segment(round(s.start, 2), round(s.end, 2), s.text.strip()) for s in pieces]
        except (ValueError, RuntimeError) as exc:
            raise EngineError(f"faster-whisper failed on this audio: {exc}") from exc
        text = " ".join(s.text for s in segments if s.text).strip()
        if not text:
            from edgekit.speech.audio import SAMPLE_RATE

            raise BadInput(
                f"No speech was heard in {audio.size / SAMPLE_RATE:.1f} s of audio. Speak closer to the microphone.",
                code="audio_silent",
            )
        return Transcript(
            text=text,
            language=info.language,
            duration_s=round(info.duration, 2),
            model=self.spec.id,
            segments=segments,
        )

    def check_language(self, language: str | None) -> str | None:
        """A language code this model can transcribe, or None to detect it; unsupported_language otherwise."""
        supported = self.languages
        if language is None or not language.strip():
            return None if len(supported) > 1 else supported[0]
        language = language.strip().lower()
        if language in supported:
            return language
        examples = [code for code in self.spec.languages if code in supported] or supported[:6]
        more = f" ({len(supported)} in all)" if len(supported) > len(examples) else ""
        raise BadInput(
            f"Language '{language}' is not supported by {self.spec.id}. "
            f"Use a code such as {', '.join(examples)}{more}.",
            code="unsupported_language",
        )
