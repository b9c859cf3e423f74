"""Real speech for the speech tests: espeak-ng says known sentences, PyAV re-encodes them as a phone would send."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import av
import numpy as np
import pytest

ENGLISH_TEXT = "The farmer stores maize in a dry bag and checks the grain every week for insects."
FRENCH_TEXT = "Bonjour, je voudrais savoir comment conserver le maïs après la récolte."

# container -> (codec, sample rate): what browsers record (Opus in OGG or WebM) and what people share (MP3)
PHONE_FORMATS = {"ogg": ("libopus", 48_000), "webm": ("libopus", 48_000), "mp3": ("libmp3lame", 44_100)}


def speak(text: str, path: Path, voice: str, words_per_minute: int) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.fail("The speech tests make their audio with espeak-ng: apt-get install espeak-ng")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(path), text], check=True)
    return path


def write_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    """16-bit mono WAV from float samples in [-1, 1]."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def convert(source: Path, container: str) -> Path:
    """Re-encode a recording with PyAV (no ffmpeg or sox needed), e.g. clip.wav -> clip.ogg."""
    codec, rate = PHONE_FORMATS[container]
    target = source.with_suffix(f".{container}")
    with av.open(str(source)) as src, av.open(str(target), "w", format=container) as dst:
        stream = dst.add_stream(codec, rate=rate, layout="mono")
        resampler = av.AudioResampler(format=stream.codec_context.codec.audio_formats[0].name, layout="mono", rate=rate)
        for frame in [*src.decode(audio=0), None]:
            for out in resampler.resample(frame):
                dst.mux(stream.encode(out))
        dst.mux(stream.encode(None))
    return target


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over the reference length, ignoring case and punctuation."""
    ref, hyp = _words(reference), _words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / max(len(ref), 1)


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() or c.isspace() or c == "'" else " " for c in text.lower()).split()
