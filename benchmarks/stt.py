"""edgekit's transcription path against faster-whisper called directly: same clip, model files, threads, beam,
VAD and language, alternating runs in one process. Prints medians, their ratio and the real-time factor.
    .venv/bin/python benchmarks/stt.py [--runs 5] [--threads 2] [--model whisper-tiny-en]
Needs espeak-ng (Debian) to make the spoken clip.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from edgekit.kit import Kit
from edgekit.settings import Settings
from edgekit.speech.audio import read_speech, seconds
from edgekit.speech.stt import transcribe

TEXT = (
    "Good morning. My maize leaves have small holes and there is fine sawdust in the funnel of the plant. "
    "The rains came late this year and the plants are still young. What should I do about the worms, and "
    "when is the best time to spray? I have two acres and I cannot buy expensive chemicals."
)


def spoken_clip(directory: Path) -> Path:
    path = directory / "question.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(path), TEXT], check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", default="whisper-tiny-en")
    args = parser.parse_args()

    from faster_whisper import WhisperModel

    clip = spoken_clip(Path(tempfile.mkdtemp(prefix="edgekit-stt-bench-")))
    duration = seconds(read_speech(clip))
    settings = Settings(
        home=Path(tempfile.mkdtemp()),
        models_dir_override=Settings().models_dir,
        threads=args.threads,
        stt_model=args.model,
    )
    kit = Kit(settings)
    model_dir = settings.models_dir / args.model
    direct = WhisperModel(
        str(model_dir), device="cpu", compute_type="int8", cpu_threads=args.threads, local_files_only=True
    )

    def run_direct() -> float:
        started = time.perf_counter()
        segments, _info = direct.transcribe(str(clip), language="en", vad_filter=True, beam_size=5)
        "".join(segment.text for segment in segments)  # segments are lazy: the work happens here
        return time.perf_counter() - started

    def run_edgekit() -> float:
        started = time.perf_counter()
        transcribe(kit.manager, clip, "en")
        return time.perf_counter() - started

    run_direct(), run_edgekit()  # warm both
    timings: dict[str, list[float]] = {"direct": [], "edgekit": []}
    for run in range(args.runs):
        order = (("direct", run_direct), ("edgekit", run_edgekit))
        for name, measure in order if run % 2 == 0 else reversed(order):
            timings[name].append(measure())
    direct_s, edgekit_s = statistics.median(timings["direct"]), statistics.median(timings["edgekit"])
    print(
        json.dumps(
            {
                "model": args.model,
                "threads": args.threads,
                "clip_s": round(duration, 2),
                "runs": args.runs,
                "faster_whisper_direct_s": round(direct_s, 3),
                "edgekit_s": round(edgekit_s, 3),
                "ratio_edgekit_to_direct": round(edgekit_s / direct_s, 3),
                "rtf_edgekit": round(edgekit_s / duration, 3),
                "rtf_direct": round(direct_s / duration, 3),
            },
            indent=2,
        )
    )
    kit.close()


if __name__ == "__main__":
    main()
