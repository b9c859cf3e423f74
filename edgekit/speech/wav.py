"""WAV bytes in and out: the one audio format the speech modules hand around (mono, 16-bit PCM)."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

SAMPLE_WIDTH_BYTES = 2  # 16-bit PCM


@dataclass(frozen=True)
class WavInfo:
    sample_rate: int
    frames: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


def pcm16_to_wav(pcm: bytes, sample_rate: int) -> bytes:
    """Wrap raw mono 16-bit samples in a WAV container."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav_file:
        wav_file.setnchannels(1)
        wav_file.setsampwidth(SAMPLE_WIDTH_BYTES)
        wav_file.setframerate(sample_rate)
        wav_file.writeframes(pcm)
    return buffer.getvalue()


def wav_info(wav: bytes) -> WavInfo:
    with wave.open(io.BytesIO(wav), "rb") as wav_file:
        return WavInfo(sample_rate=wav_file.getframerate(), frames=wav_file.getnframes())
