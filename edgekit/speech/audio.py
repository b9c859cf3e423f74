"""Audio from a phone (WAV, OGG, WebM, MP3, M4A...) as the 16 kHz mono float32 samples Whisper expects.

PyAV (FFmpeg inside the wheel, nothing to install) decodes every format a browser records. Decoding stops as soon
as the audio passes the length limit, so a long or hostile upload costs little memory or time on a small box.
"""

from __future__ import annotations

import gc
import io
from pathlib import Path

import av
import numpy as np

from edgekit.errors import BadInput

SAMPLE_RATE = 16_000
MAX_SECONDS = 120  # a spoken question, with room to spare; longer audio would keep the box busy for minutes
# Below about -60 dBFS nothing was said: a muted microphone or digital silence. Quiet rooms are left to the VAD.
SILENCE_RMS = 0.001

AudioSource = bytes | str | Path


def read_speech(source: AudioSource, max_seconds: float = MAX_SECONDS) -> np.ndarray:
    """Decode an upload or file and refuse what cannot hold speech (empty, undecodable, too long, silent)."""
    samples = decode_audio(source, max_seconds)
    if is_silent(samples):
        raise BadInput(
            f"The recording is silent ({seconds(samples):.1f} s with no sound). Check the microphone and record again.",
            code="audio_silent",
        )
    return samples


def decode_audio(source: AudioSource, max_seconds: float = MAX_SECONDS) -> np.ndarray:
    """16 kHz mono float32 samples from audio bytes or a file, in any format FFmpeg reads."""
    _require_content(source)
    opened = io.BytesIO(source) if isinstance(source, bytes) else str(source)
    try:
        with av.open(opened, mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise _undecodable("it has no audio track")
            stream = container.streams.audio[0]
            stated = _stated_seconds(container)
            if stated is not None and stated > max_seconds:
                raise _too_long(stated, max_seconds)
            samples = _decode_stream(container, stream, max_seconds)
    except av.error.FFmpegError as exc:
        raise _undecodable(str(exc.strerror or exc)) from exc
    finally:
        # PyAV's resampler holds native buffers until a collection runs (faster-whisper issue 390).
        gc.collect()
    if samples.size == 0:
        raise _undecodable("no sound could be read from it (is the file cut short?)")
    return samples


def _stated_seconds(container) -> float | None:
    """The length the file claims, when it claims one (a live stream may not); decoding still counts."""
    return None if container.duration is None else container.duration / av.time_base


def _decode_stream(container, stream, max_seconds: float) -> np.ndarray:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    total = 0
    for frame in _frames(container, stream):
        for out in resampler.resample(frame):
            chunk = out.to_ndarray().reshape(-1)
            chunks.append(chunk)
            total += chunk.size
        if total > limit:
            raise _too_long(total / SAMPLE_RATE, max_seconds, at_least=True)
    for out in resampler.resample(None):  # what the resampler still holds
        chunks.append(out.to_ndarray().reshape(-1))
    return np.concatenate(chunks).astype(np.float32, copy=False) if chunks else np.zeros(0, np.float32)


def _frames(container, stream):
    """Decoded frames, skipping damaged packets (a phone upload cut short still gives what arrived)."""
    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.error.InvalidDataError:
            continue


def _require_content(source: AudioSource) -> None:
    if isinstance(source, bytes):
        empty = not source
    else:
        path = Path(source)
        if not path.is_file():
            raise BadInput(f"No audio file at {path}.", code="audio_not_found")
        empty = path.stat().st_size == 0
    if empty:
        raise BadInput("The audio is empty (0 bytes): nothing was recorded or the upload failed.", code="audio_empty")


def is_silent(samples: np.ndarray) -> bool:
    return rms(samples) < SILENCE_RMS


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0


def seconds(samples: np.ndarray) -> float:
    return samples.size / SAMPLE_RATE


def _undecodable(reason: str) -> BadInput:
    return BadInput(
        f"This is not audio that can be read: {reason}. Send WAV, OGG, WebM, MP3 or M4A.", code="audio_undecodable"
    )


def _too_long(length_s: float, max_seconds: float, at_least: bool = False) -> BadInput:
    more = "more than " if at_least else ""
    return BadInput(
        f"The recording is {more}{length_s:.0f} s long; the limit is {max_seconds:.0f} s. Record a shorter question.",
        code="audio_too_long",
        http_status=413,
    )
