"""Looking at WAV bytes in tests: parse them with the wave module and measure how loud they are."""

from __future__ import annotations

import io
import math
import wave
from array import array
from dataclasses import dataclass

# Speech from either voice is far louder than this (16-bit full scale is 32767); digital silence is 0.
SILENCE_RMS = 300


@dataclass
class ParsedWav:
    channels: int
    sample_width: int
    sample_rate: int
    samples: array

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate

    @property
    def rms(self) -> float:
        if not self.samples:
            return 0.0
        return math.sqrt(sum(sample * sample for sample in self.samples) / len(self.samples))


def parse_wav(wav: bytes) -> ParsedWav:
    with wave.open(io.BytesIO(wav), "rb") as wav_file:
        frames = wav_file.readframes(wav_file.getnframes())
        parsed = ParsedWav(wav_file.getnchannels(), wav_file.getsampwidth(), wav_file.getframerate(), array("h"))
    parsed.samples.frombytes(frames)
    return parsed


def assert_is_speech(wav: bytes, sample_rate: int) -> ParsedWav:
    """Mono 16-bit PCM at the expected rate, with sound in it."""
    parsed = parse_wav(wav)
    assert (parsed.channels, parsed.sample_width, parsed.sample_rate) == (1, 2, sample_rate)
    assert parsed.duration_s > 0.2
    assert parsed.rms > SILENCE_RMS, f"the audio is (nearly) silent: RMS {parsed.rms:.0f}"
    return parsed
