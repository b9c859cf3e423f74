"""Speaking text aloud, shared by the CLI, the server and the bench: text in, WAV bytes out.

English goes to the Piper neural voice when it is installed; without it, and for every other language, the
espeak-ng program speaks, so a box always has a voice even before its models arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

from edgekit.engines.tasks import TextToSpeechEngine, for_task
from edgekit.engines.tts_espeak import EspeakSpeaker, normalize_language
from edgekit.errors import BadInput, ModelNotInstalled
from edgekit.manager import ModelManager
from edgekit.speech.wav import wav_info

# About two minutes of speech: enough for an answer, short enough that a request cannot hold the voice long.
MAX_SPEECH_CHARS = 2000
PIPER_LANGUAGE = "en"


@dataclass(frozen=True)
class Speech:
    wav: bytes
    voice: str  # the Piper model id, or "espeak-ng:<language>"
    lang: str
    sample_rate: int
    duration_s: float

    def as_dict(self) -> dict:
        """What callers report: everything but the audio."""
        return {"duration_s": self.duration_s, "voice": self.voice, "lang": self.lang, "sample_rate": self.sample_rate}


def clean_text(text: str) -> str:
    text = " ".join(text.split())  # newlines and runs of spaces from pasted text become single spaces
    if not any(character.isalnum() for character in text):
        raise BadInput(
            'There is nothing to speak. Give some words, for example: edgekit speak "Hello" --out hello.wav',
            code="empty_text",
        )
    if len(text) > MAX_SPEECH_CHARS:
        raise BadInput(
            f"The text is {len(text)} characters long; the limit is {MAX_SPEECH_CHARS}. Speak it in parts.",
            code="text_too_long",
        )
    return text


def synthesize_speech(
    manager: ModelManager, text: str, lang: str = "en", *, espeak: EspeakSpeaker | None = None
) -> Speech:
    """Speak `text` in `lang` with the best voice this box has, and say which voice that was."""
    text = clean_text(text)
    lang = normalize_language(lang)
    espeak = espeak or EspeakSpeaker()
    wav, voice = None, ""
    # In the critical power profile the neural voice stays unloaded: espeak-ng speaks for a fraction of the energy.
    neural_allowed = manager.power is None or manager.power.profile.voice == "piper"
    if lang.split("-")[0] == PIPER_LANGUAGE and neural_allowed:
        try:
            with manager.acquire("tts") as engine:
                piper = for_task(engine, TextToSpeechEngine)
                wav, voice = piper.synthesize(text), piper.spec.id
        except ModelNotInstalled:
            pass  # espeak-ng below; a damaged voice (checksum_mismatch) still fails loudly
    if wav is None:
        wav, voice = espeak.synthesize(text, lang), f"espeak-ng:{espeak.voice_for(lang)}"
    info = wav_info(wav)
    return Speech(wav=wav, voice=voice, lang=lang, sample_rate=info.sample_rate, duration_s=round(info.duration_s, 3))


def speak(manager: ModelManager, text: str, lang: str = "en") -> bytes:
    """Speak `text` in `lang`: WAV bytes, mono 16-bit PCM."""
    return synthesize_speech(manager, text, lang).wav
