import pytest

from edgekit.engines.tts_espeak import EspeakSpeaker
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.speech.tts import MAX_SPEECH_CHARS, clean_text, speak, synthesize_speech
from tests.conftest import VOICE_MODEL
from tests.speech import assert_is_speech


def test_english_uses_the_piper_voice(voice_kit):
    speech = synthesize_speech(voice_kit.manager, "Store the maize in a dry, cool place.")
    assert (speech.voice, speech.lang, speech.sample_rate) == (VOICE_MODEL, "en", 22050)
    parsed = assert_is_speech(speech.wav, 22050)
    assert speech.duration_s == pytest.approx(parsed.duration_s, abs=0.001)


def test_speak_returns_the_wav_bytes(voice_kit):
    assert_is_speech(speak(voice_kit.manager, "Hello, and welcome."), 22050)


@pytest.mark.parametrize("lang", ["sw", "fr"])
def test_other_languages_use_espeak(voice_kit, lang):
    speech = synthesize_speech(voice_kit.manager, "Habari. Bonjour.", lang)
    assert speech.voice == f"espeak-ng:{lang}" and speech.lang == lang
    assert_is_speech(speech.wav, speech.sample_rate)


def test_english_falls_back_to_espeak_without_the_piper_voice(bare_settings):
    kit = Kit(bare_settings)  # no model installed
    speech = synthesize_speech(kit.manager, "The clinic opens at eight.", "en")
    assert speech.voice == "espeak-ng:en"
    assert_is_speech(speech.wav, speech.sample_rate)


def test_whitespace_is_normalized():
    assert clean_text("  Wash\n\n your   hands.\t") == "Wash your hands."


@pytest.mark.parametrize(
    "text, lang, code",
    [
        ("", "en", "empty_text"),
        (" \n\t ", "sw", "empty_text"),
        ("...", "en", "empty_text"),  # nothing a voice can say: Piper would return no audio at all
        ("x" * (MAX_SPEECH_CHARS + 1), "en", "text_too_long"),
        ("Hello", "zz", "unsupported_language"),
    ],
)
def test_bad_input_gets_its_code(bare_settings, text, lang, code):
    with pytest.raises(EdgekitError) as caught:
        synthesize_speech(Kit(bare_settings).manager, text, lang)
    assert caught.value.code == code


def test_the_limit_counts_normalized_text(bare_settings):
    padded = "a" + " " * MAX_SPEECH_CHARS + "b"  # long only because of the spaces
    speech = synthesize_speech(Kit(bare_settings).manager, padded, "sw")
    assert speech.duration_s > 0


def test_no_espeak_program_for_swahili(bare_settings):
    with pytest.raises(EdgekitError) as caught:
        synthesize_speech(Kit(bare_settings).manager, "Habari", "sw", espeak=EspeakSpeaker("espeak-ng-not-installed"))
    assert caught.value.code == "tts_unavailable"
