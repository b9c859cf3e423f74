"""Decoding what a phone sends into 16 kHz mono samples, and the codes for audio that cannot be used."""

import numpy as np
import pytest

from edgekit.errors import EdgekitError
from edgekit.speech import audio
from edgekit.speech.audio import MAX_SECONDS, SAMPLE_RATE, decode_audio, read_speech
from tests.speech_clips import PHONE_FORMATS, convert, write_wav


def _code(source, **kwargs) -> str:
    with pytest.raises(EdgekitError) as caught:
        read_speech(source, **kwargs)
    return caught.value.code


def test_a_wav_file_and_its_bytes_decode_to_16khz_mono_float32(speech_clips):
    from_path = decode_audio(speech_clips["english"])
    from_bytes = decode_audio(speech_clips["english"].read_bytes())
    assert from_path.dtype == np.float32 and from_path.ndim == 1
    assert 5 < from_path.size / SAMPLE_RATE < 7  # espeak's 22.05 kHz clip, resampled
    np.testing.assert_array_equal(from_path, from_bytes)
    assert np.abs(from_path).max() <= 1.0


@pytest.mark.parametrize("container", sorted(PHONE_FORMATS))
def test_phone_formats_decode_to_the_same_length(speech_clips, container):
    wav = decode_audio(speech_clips["english"])
    encoded = decode_audio(convert(speech_clips["english"], container).read_bytes())
    assert abs(encoded.size - wav.size) / SAMPLE_RATE < 0.1
    assert encoded.std() > 0.01


def test_a_wav_cut_short_in_the_middle_gives_what_arrived(speech_clips):
    data = speech_clips["english"].read_bytes()
    whole, half = decode_audio(data), read_speech(data[: len(data) // 2])
    assert abs(half.size - whole.size / 2) / SAMPLE_RATE < 0.1


@pytest.mark.parametrize(
    ("source", "code"),
    [
        (b"", "audio_empty"),
        (np.random.default_rng(0).bytes(4000), "audio_undecodable"),
        (b"This is a text file, not a recording.\n" * 50, "audio_undecodable"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "audio_undecodable"),  # an image: opens, but has no audio track
    ],
    ids=["empty", "random-bytes", "text", "image"],
)
def test_unusable_bytes_have_their_code(source, code):
    assert _code(source) == code


def test_a_wav_cut_inside_its_header_is_undecodable(speech_clips):
    data = speech_clips["english"].read_bytes()
    assert _code(data[:40]) == "audio_undecodable"
    assert _code(data[:44]) == "audio_undecodable"  # a whole header and not one sample


def test_files_empty_or_missing(tmp_path):
    (tmp_path / "empty.ogg").touch()
    assert _code(tmp_path / "empty.ogg") == "audio_empty"
    assert _code(tmp_path / "nothing-here.wav") == "audio_not_found"


def test_silence_is_refused(speech_clips):
    assert _code(speech_clips["silence"]) == "audio_silent"


def test_audio_over_the_limit_is_refused_without_decoding_it_all(tmp_path, speech_clips, monkeypatch):
    tone = 0.3 * np.sin(np.arange((MAX_SECONDS + 1) * SAMPLE_RATE) * 2 * np.pi * 440 / SAMPLE_RATE)
    with pytest.raises(EdgekitError) as caught:
        read_speech(write_wav(tmp_path / "long.wav", tone))
    assert caught.value.code == "audio_too_long" and caught.value.http_status == 413
    assert f"limit is {MAX_SECONDS} s" in caught.value.message
    # a stream that does not state its length is stopped while decoding
    monkeypatch.setattr(audio, "_stated_seconds", lambda _container: None)
    with pytest.raises(EdgekitError, match="more than 2 s") as caught:
        read_speech(convert(speech_clips["english"], "webm").read_bytes(), max_seconds=2)
    assert caught.value.code == "audio_too_long"
