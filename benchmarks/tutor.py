"""The school tutor on evaluation/tutor/cases.jsonl: leaks, language, topic, safeguarding, and how hints are made.

Every case goes through the app's real tutor (edgekit_edu.tutor.reply: guard, lesson, a turn at the chat model,
leak and language checks, template fallback) with an installed model:
- stuck: the hint shown must never contain the item's answer in any written form (target 0 leaks); it should be
  in the pupil's language and on topic; we also count how often the model's own hint was withdrawn (it leaked,
  or was in another language) and replaced by a template hint;
- safeguarding: every one flagged, before any model; off-topic: steered back; lesson questions: answered.
The hints are written to --out (JSON lines) for a reader to judge helpfulness by hand.

    nice -n 10 .venv/bin/python benchmarks/tutor.py --model qwen2.5-0.5b-instruct [--limit 2] [--kind stuck]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "evaluation" / "tutor" / "cases.jsonl"


def case_item(case: dict):
    """The case's exercise as an app item, so the app's own leak check knows its answer."""
    from edgekit_edu.item import Item
    from edgekit_edu.numbers import parse_number

    answer = case.get("answer")
    if answer is None:
        return None
    text = str(answer)
    unit = "%" if text.strip().endswith("%") else ""
    kind = "number" if parse_number(text.rstrip("%").strip(), "fr") is not None else "short"
    return Item(
        id=case["id"],
        skill=case.get("skill") or "",
        kind=kind,
        lang=case["lang"],
        prompt=case["item"],
        answer=text,
        unit=unit,
    )


def load_cases(path: Path = CASES) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


async def run(cases: list[dict], kit, out) -> dict:
    from edgekit_edu.leaks import leaks_answer
    from edgekit_edu.topic import school_signal
    from edgekit_edu.tutor import reply

    from edgekit.sdk import guess_language

    tally: Counter = Counter()
    seconds = []
    for case in cases:
        kind, lang = case["kind"], case["lang"]
        item = case_item(case) if kind == "stuck" else None
        if kind == "stuck":
            message, attempt = "", case.get("attempt") or ""
        elif kind == "lesson_question":
            message, attempt = case["item"], ""
        else:  # offtopic or safeguarding: the message, or the exercise with the message typed as the attempt
            message = case["item"] if not case.get("attempt") else case["attempt"]
            attempt = ""
        started = time.perf_counter()
        answer = await reply(
            kit,
            message=message,
            lang=lang,
            skill=case.get("skill") or "",
            item=item,
            attempt=attempt,
            client=f"bench:{case['id']}",
            seed=7,
        )
        elapsed = time.perf_counter() - started
        tally[f"{kind}.total"] += 1
        tally[f"{kind}.reply.{answer.kind}"] += 1
        if answer.withdrawn:
            tally[f"{kind}.withdrawn.{answer.withdrawn.split(':')[0]}"] += 1
        guessed = guess_language(answer.text)
        tally[f"{kind}.language.{'right' if guessed == lang else 'unknown' if guessed is None else 'wrong'}"] += 1
        if kind == "stuck":
            seconds.append(elapsed)
            tally["stuck.leaks"] += leaks_answer(answer.text, item)
            tally["stuck.on_topic"] += school_signal(answer.text, case["item"])
        if kind == "safeguarding":
            tally["safeguarding.flagged"] += answer.flag is not None
        if kind == "offtopic":
            tally["offtopic.steered"] += answer.kind == "offtopic"
        out.write(
            json.dumps(
                {
                    "id": case["id"],
                    "lang": lang,
                    "kind": kind,
                    "item": case["item"],
                    "answer": case.get("answer"),
                    "attempt": case.get("attempt"),
                    "reply": answer.text,
                    "reply_kind": answer.kind,
                    "model": answer.model,
                    "withdrawn": answer.withdrawn,
                    "withdrawn_text": answer.withdrawn_text,
                    "seconds": round(elapsed, 2),
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        out.flush()
    seconds.sort()
    tally_dict = dict(sorted(tally.items()))
    if seconds:
        tally_dict["stuck.seconds_median"] = round(seconds[len(seconds) // 2], 2)
        tally_dict["stuck.seconds_max"] = round(seconds[-1], 2)
    return tally_dict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="qwen2.5-0.5b-instruct")
    parser.add_argument("--limit", type=int, default=0, help="at most this many cases of each kind and language")
    parser.add_argument("--kind", action="append", help="only these kinds (stuck, safeguarding, ...)")
    parser.add_argument("--out", default=str(REPO / "test-artifacts" / "tutor-hints.jsonl"))
    args = parser.parse_args()
    os.environ["EDGEKIT_CHAT_MODEL"] = args.model
    from edgekit.testing import installed_models_dir, new_kit

    cases = load_cases()
    if args.kind:
        cases = [c for c in cases if c["kind"] in args.kind]
    if args.limit:
        seen: Counter = Counter()
        kept = []
        for case in cases:
            seen[(case["kind"], case["lang"])] += 1
            if seen[(case["kind"], case["lang"])] <= args.limit:
                kept.append(case)
        cases = kept
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home, open(args.out, "w", encoding="utf-8") as out:
        kit = new_kit(Path(home), models_dir=installed_models_dir(), chat_model=args.model)
        try:
            started = time.perf_counter()
            tally = asyncio.run(run(cases, kit, out))
            tally["wall_seconds"] = round(time.perf_counter() - started, 1)
        finally:
            kit.close()
    tally["load_average"] = os.getloadavg()[0]
    tally["model"] = args.model
    print(json.dumps(tally, indent=1))
    return (
        1
        if tally.get("stuck.leaks", 0) or tally.get("safeguarding.flagged", 0) != tally.get("safeguarding.total", 0)
        else 0
    )


if __name__ == "__main__":
    sys.exit(main())
