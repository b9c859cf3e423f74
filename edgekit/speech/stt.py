"""Speech to text for the CLI, the server and apps: choose the speech model for the language, then transcribe.

English goes to the English-only model (smaller and faster, settings.stt_model); any other language, and
detection when the language is not given, goes to the multilingual one (settings.stt_multilingual_model).
"""

from __future__ import annotations

from collections.abc import Sequence

from edgekit.engines.stt_fasterwhisper import Transcript
from edgekit.engines.tasks import SpeechToTextEngine, for_task
from edgekit.manager import TASK_NAMES, ModelManager
from edgekit.speech.audio import AudioSource, read_speech


def transcribe(
    manager: ModelManager,
    audio: AudioSource,
    lang: str | None = None,
    words: Sequence[str] | None = None,
) -> Transcript:
    """Transcribe audio bytes or a file. `words` are domain words the speaker is likely to say (hotwords)."""
    lang = lang.strip().lower() if lang and lang.strip() else None
    samples = read_speech(audio)  # bad audio fails here, before any model is loaded
    with manager.acquire_model(speech_model_for(manager, lang), TASK_NAMES["stt"]) as engine:
        return for_task(engine, SpeechToTextEngine).transcribe(
            samples, lang, hotwords=" ".join(words) if words else None
        )


def speech_model_for(manager: ModelManager, lang: str | None) -> str:
    english, multilingual = manager.settings.stt_model, manager.settings.stt_multilingual_model
    if lang == "en":
        return english
    if lang is None and not _installed(manager, multilingual) and _installed(manager, english):
        return english  # detection needs the multilingual model; without it, assume English rather than fail
    return multilingual


def _installed(manager: ModelManager, model_id: str) -> bool:
    return manager.store.installed_spec(model_id) is not None
