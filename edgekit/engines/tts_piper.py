"""Speech engine on Piper (piper-tts): a neural ONNX voice turns text into 16-bit PCM WAV.

Piper phonemizes with the espeak-ng library and data it bundles (piper/espeak-ng-data), so no system
espeak-ng and no network are needed. Only voices phonemized that way are accepted: Piper's Chinese voices
fetch a g2p model from the internet on first use, which an offline box must never try.
"""

from __future__ import annotations

import json
from pathlib import Path

from edgekit.engines import Engine
from edgekit.errors import EngineError
from edgekit.speech.wav import pcm16_to_wav

# Phonemizers that work from files inside the piper-tts wheel; the others download or need extra packages.
OFFLINE_PHONEME_TYPES = ("espeak", "text")


class PiperEngine(Engine):
    task = "tts"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._voice = None

    @property
    def loaded(self) -> bool:
        return self._voice is not None

    @property
    def config_path(self) -> Path:
        return self.model_path.with_name(self.model_path.name + ".json")

    @property
    def sample_rate(self) -> int:
        return self._require().config.sample_rate

    def load(self) -> None:
        # Imported here: the CLI should start fast when no voice is needed.
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        try:
            config = PiperConfig.from_dict(json.loads(self.config_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            raise EngineError(f"Piper could not read the voice config {self.config_path}: {exc}") from exc
        if config.phoneme_type.value not in OFFLINE_PHONEME_TYPES:
            raise EngineError(
                f"Voice '{self.spec.id}' uses the '{config.phoneme_type.value}' phonemizer, which needs files "
                f"from the internet; only {', '.join(OFFLINE_PHONEME_TYPES)} voices work offline."
            )
        # PiperVoice.load() builds its session with default options (every core); ours shares the box.
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.settings.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: onnxruntime's warnings are not for the technician
        try:
            session = onnxruntime.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime's errors (Fail, InvalidProtobuf...) share no base but Exception
            raise EngineError(f"onnxruntime could not load {self.model_path}: {exc}") from exc
        # download_dir is only read by phonemizers we refused above; point it at the model, never the cwd.
        self._voice = PiperVoice(session=session, config=config, download_dir=self.model_dir)

    def unload(self) -> None:
        self._voice = None  # the ONNX session frees its memory when the last reference goes

    def _require(self):
        if self._voice is None:
            self.load()
        return self._voice

    def synthesize(self, text: str) -> bytes:
        """Speak `text`: WAV bytes, mono 16-bit PCM at the voice's sample rate. One chunk per sentence."""
        voice = self._require()
        pcm = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text))
        return pcm16_to_wav(pcm, voice.config.sample_rate)
