"""Real-time factor of the speech voices: synthesis time / audio duration (below 1 is faster than speech).

Warm: each voice speaks once before timing. Not a test: it never fails a build.
    .venv/bin/python benchmarks/tts_rtf.py [--runs 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from edgekit.kit import Kit
from edgekit.settings import Settings
from edgekit.speech.tts import synthesize_speech

# About ten seconds of speech in each language.
SENTENCES = {
    "en": (
        "Good morning. Today we will talk about how to store maize after the harvest, so that it stays dry, "
        "free of insects and safe to eat for many months. First, dry the grain well in the sun."
    ),
    "sw": (
        "Habari za asubuhi. Leo tutazungumza kuhusu jinsi ya kuhifadhi mahindi baada ya mavuno, ili yabaki "
        "makavu, bila wadudu na salama kuliwa kwa miezi mingi."
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        kit = Kit(Settings(home=home, models_dir_override=Settings().models_dir, threads=args.threads))
        for lang, text in SENTENCES.items():
            synthesize_speech(kit.manager, text, lang)  # warm: load the voice, first inference
            ratios, speech = [], None
            for _ in range(args.runs):
                started = time.perf_counter()
                speech = synthesize_speech(kit.manager, text, lang)
                ratios.append((time.perf_counter() - started) / speech.duration_s)
            print(
                f"{speech.voice:24} {lang}  {speech.duration_s:5.1f} s of audio  "
                f"RTF median {statistics.median(ratios):.3f}  min {min(ratios):.3f}  ({args.threads} threads)"
            )
        kit.close()


if __name__ == "__main__":
    main()
