"""Energy per answer in each power profile: the same 20 agri questions answered in normal, eco and critical.

The baseline is the normal profile, measured in the same run: eco should use at least 30% less energy per answer
and take at most twice the time; critical (no chat model) should answer every question in under a second. Energy
is measured by a counter (RAPL, the Pi 5 PMIC) when the box has a readable one, else estimated from the CPU time
each answer used and the box's calibration, and the output says which. Warm: each profile answers once before
timing (its model loads with its own threads). Not a test: it never fails a build.
    .venv/bin/python benchmarks/power.py [--questions 20] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.knowledge.agri_questions

from edgekit.answering import answer_question
from edgekit.kit import Kit
from edgekit.power.config import pin_profile
from edgekit.settings import Settings
from edgekit.store import session_for
from edgekit.store.tables import Exchange
from tests.knowledge.agri_questions import QUESTIONS

PROFILES = ("normal", "eco", "critical")


def run_profile(kit: Kit, profile: str, questions: list[str]) -> dict:
    pin_profile(kit.settings.home, profile)
    kit.power.refresh()
    kit.manager.unload_idle()
    answer_question(kit, "agri", "How do I make compost from crop waste?", lang="en", seed=1, record=False)  # warm
    seconds, models = [], []
    for question in questions:
        started = time.perf_counter()
        result = answer_question(kit, "agri", question, lang="en", seed=1)
        seconds.append(time.perf_counter() - started)
        models.append(result.model)
    with session_for(kit.db) as session:
        rows = session.exec(select(Exchange).order_by(Exchange.id.desc()).limit(len(questions))).all()
    joules = [row.energy_j for row in rows]
    return {
        "profile": profile,
        "joules": joules,
        "methods": sorted({row.energy_method for row in rows}),
        "seconds": seconds,
        "chat_answers": sum(model not in ("extractive", "none", "guard") for model in models),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    questions = [text for lang, text, _ in QUESTIONS if lang == "en"][: args.questions]
    with tempfile.TemporaryDirectory() as home:
        from edgekit.knowledge.sync import sync_app_knowledge

        settings = Settings(
            home=home, models_dir_override=Settings().models_dir, threads=args.threads, sysfs_root=Path(home) / "sys"
        )
        kit = Kit(settings)
        sync_app_knowledge(kit)
        source = kit.power.source
        calibration = kit.power.calibration
        print(
            f"{len(questions)} questions, {args.threads} threads; energy "
            + (
                f"measured by {source.name}"
                if source
                else f"ESTIMATED from CPU time at {calibration.core_w} W a busy core ({calibration.source}); "
                f"no readable energy counter on this machine"
            )
        )
        results = {profile: run_profile(kit, profile, questions) for profile in PROFILES}
        kit.close()
    normal = results["normal"]
    base_j, base_s = statistics.mean(normal["joules"]), statistics.mean(normal["seconds"])
    print(f"{'profile':<10}{'J/answer':>10}{'mWh':>8}{'s/answer':>10}{'max s':>8}{'chat':>6}  vs normal")
    for profile, result in results.items():
        joules, seconds = statistics.mean(result["joules"]), statistics.mean(result["seconds"])
        print(
            f"{profile:<10}{joules:>10.2f}{joules / 3.6:>8.2f}{seconds:>10.2f}{max(result['seconds']):>8.2f}"
            f"{result['chat_answers']:>6}  energy x{joules / base_j:.2f}, time x{seconds / base_s:.2f} "
            f"({', '.join(result['methods'])})"
        )
    eco, critical = results["eco"], results["critical"]
    saving = 1 - statistics.mean(eco["joules"]) / base_j
    print(
        f"eco: {saving:.0%} less energy per answer (goal >= 30%), "
        f"{statistics.mean(eco['seconds']) / base_s:.2f}x the time (goal <= 2x); "
        f"critical: slowest answer {max(critical['seconds']):.2f} s (goal < 1 s)"
    )


if __name__ == "__main__":
    main()
