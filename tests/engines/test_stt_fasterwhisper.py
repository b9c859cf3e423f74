"""The real Whisper models through the faster-whisper engine (each loaded once for the session by speech_kit)."""

import numpy as np
import pytest

from edgekit import plugins
from edgekit.engines.stt_fasterwhisper import FasterWhisperEngine
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.speech.audio import decode_audio
from edgekit.speech.stt import speech_model_for, transcribe
from tests.speech_clips import ENGLISH_TEXT, convert, word_error_rate

ENGLISH, MULTILINGUAL = "whisper-tiny-en", "whisper-base"


def test_registered_for_the_catalog_engine_name():
    assert plugins.load_plugins(entry_points=False).engines()["faster_whisper"] is FasterWhisperEngine


def test_english_through_tiny_en(speech_kit, speech_clips):
    result = transcribe(speech_kit.manager, speech_clips["english"], lang="en")
    assert result.model == ENGLISH and result.language == "en"
    assert word_error_rate(ENGLISH_TEXT, result.text) <= 0.3, result.text
    assert 5 < result.duration_s < 7
    assert result.segments and result.segments[-1].end <= result.duration_s + 0.1
    assert set(result.as_dict()) == {"text", "language", "duration_s", "model"}


def test_a_phone_recording_in_ogg_opus(speech_kit, speech_clips):
    result = transcribe(speech_kit.manager, convert(speech_clips["english"], "ogg").read_bytes(), lang="en")
    assert word_error_rate(ENGLISH_TEXT, result.text) <= 0.3, result.text


def test_domain_words_steer_the_decoder(speech_kit, speech_clips):
    # tiny.en alone hears "checks the drain"; told the box is about grain, it hears "grain"
    with_words = transcribe(speech_kit.manager, speech_clips["english"], lang="en", words=["grain"])
    assert "grain" in with_words.text.lower()
    with speech_kit.manager.acquire_model(ENGLISH) as engine:
        prompted = engine.transcribe(
            decode_audio(speech_clips["english"]), "en", initial_prompt="We talk about grain storage."
        )
    assert "grain" in prompted.text.lower()


def test_french_with_the_language_given_and_detected(speech_kit, speech_clips):
    # espeak's French voice is hard for Whisper base: check the language and the words it reliably hears
    forced = transcribe(speech_kit.manager, speech_clips["french"], lang="fr")
    detected = transcribe(speech_kit.manager, speech_clips["french"])
    assert forced.model == detected.model == MULTILINGUAL
    assert forced.language == detected.language == "fr"
    for text in (forced.text.lower(), detected.text.lower()):
        assert "je voudrais" in text and "récol" in text, text


def test_unsupported_language_lists_valid_codes(speech_kit, speech_clips):
    with pytest.raises(EdgekitError) as caught:
        transcribe(speech_kit.manager, speech_clips["english"], lang="xx")
    assert caught.value.code == "unsupported_language"
    assert "'xx'" in caught.value.message and "fr" in caught.value.message and "sw" in caught.value.message


def test_the_english_model_refuses_other_languages(speech_kit):
    with speech_kit.manager.acquire_model(ENGLISH) as engine, pytest.raises(EdgekitError) as caught:
        engine.check_language("fr")
    assert caught.value.code == "unsupported_language" and "Use a code such as en" in caught.value.message


def test_noise_without_speech_is_silent_to_the_vad(speech_kit):
    noise = (np.random.default_rng(1).standard_normal(2 * 16_000) * 0.02).astype(np.float32)  # loud enough for RMS
    with speech_kit.manager.acquire_model(ENGLISH) as engine, pytest.raises(EdgekitError) as caught:
        engine.transcribe(noise, "en")
    assert caught.value.code == "audio_silent"


def test_bad_input_leaves_the_engine_working(speech_kit, speech_clips):
    wav = speech_clips["english"].read_bytes()
    bad = [
        (b"", None, "audio_empty"),
        (np.random.default_rng(0).bytes(4000), None, "audio_undecodable"),
        (wav[:40], "en", "audio_undecodable"),
        (speech_clips["silence"], "en", "audio_silent"),
        (wav, "xx", "unsupported_language"),
    ]
    for audio, lang, code in bad:
        with pytest.raises(EdgekitError) as caught:
            transcribe(speech_kit.manager, audio, lang=lang)
        assert caught.value.code == code
    result = transcribe(speech_kit.manager, wav, lang="en")
    assert word_error_rate(ENGLISH_TEXT, result.text) <= 0.3, result.text


def test_model_choice_by_language(settings):
    manager = Kit(settings).manager
    assert speech_model_for(manager, "en") == ENGLISH
    assert speech_model_for(manager, "sw") == MULTILINGUAL
    assert speech_model_for(manager, None) == MULTILINGUAL  # detection needs the multilingual model


def test_detection_falls_back_to_english_when_only_english_is_installed(settings):
    manager = Kit(settings.model_copy(update={"stt_multilingual_model": "whisper-absent"})).manager
    assert speech_model_for(manager, None) == ENGLISH
    assert speech_model_for(manager, "fr") == "whisper-absent"  # and asking for French says what to install
