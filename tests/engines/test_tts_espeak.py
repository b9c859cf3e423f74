"""The espeak-ng program (Debian package espeak-ng) speaking the languages Piper has no voice for."""

import pytest

from edgekit.engines.tts_espeak import EspeakSpeaker, parse_voice_languages
from edgekit.errors import EdgekitError
from tests.speech import assert_is_speech

ESPEAK_SAMPLE_RATE = 22050

VOICES_LISTING = """\
Pty Language       Age/Gender VoiceName          File                 Other Languages
 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
 5  fr-fr           --/M      French_(France)    roa/fr               (fr 5)
 5  sw              --/M      Swahili            bnt/sw
"""


@pytest.fixture(scope="module")
def espeak() -> EspeakSpeaker:
    return EspeakSpeaker()


@pytest.mark.parametrize(
    "lang, text",
    [
        ("sw", "Habari ya asubuhi. Karibu kwenye kliniki."),
        ("fr", "Bonjour. Lavez-vous les mains avec du savon."),
        ("en", "Good morning."),
    ],
)
def test_speaks_each_language(espeak, lang, text):
    assert_is_speech(espeak.synthesize(text, lang), ESPEAK_SAMPLE_RATE)


def test_longer_text_gives_longer_audio(espeak):
    short = assert_is_speech(espeak.synthesize("Habari.", "sw"), ESPEAK_SAMPLE_RATE)
    long = assert_is_speech(
        espeak.synthesize("Habari. Kunywa maji safi kila siku na osha mikono kwa sabuni.", "sw"), ESPEAK_SAMPLE_RATE
    )
    assert long.duration_s > 2 * short.duration_s


def test_text_that_looks_like_an_option_is_spoken_not_obeyed(espeak):
    assert_is_speech(espeak.synthesize("-v zz --help", "en"), ESPEAK_SAMPLE_RATE)


def test_lists_the_languages_it_has(espeak):
    assert {"sw", "fr", "en", "fr-fr", "en-us"} <= espeak.languages
    assert espeak.voice_for("FR") == "fr"
    assert espeak.voice_for("en_US") == "en-us"


def test_reads_own_and_other_languages_from_the_voices_listing():
    assert parse_voice_languages(VOICES_LISTING) == {"en-us", "en", "fr-fr", "fr", "sw"}


def test_a_language_it_lacks(espeak):
    with pytest.raises(EdgekitError) as caught:
        espeak.synthesize("Hello", "zz")
    assert caught.value.code == "unsupported_language"
    assert "sw" in caught.value.message  # the message lists the languages there are


def test_without_the_program(espeak):
    missing = EspeakSpeaker(program="espeak-ng-not-installed")
    assert not missing.available and espeak.available
    with pytest.raises(EdgekitError) as caught:
        missing.synthesize("Habari", "sw")
    assert caught.value.code == "tts_unavailable"
    assert "apt-get install espeak-ng" in caught.value.message
