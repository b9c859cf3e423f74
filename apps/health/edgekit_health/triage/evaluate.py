"""How well the rules do on the hand-written cases: `python -m edgekit_health.triage.evaluate [--cases PATH] [-v]`.

Prints cases per language, emergency recall (emergency cases answered emergency), urgent recall (urgent cases
referred, urgent or higher), level accuracy, over- and under-triage, and sign accuracy (exactly the expected
codes). The tests assert the same figures, so a rule change that loses an emergency fails there too.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .engine import triage
from .rules import LEVELS

DEFAULT_CASES = Path(__file__).resolve().parents[2] / "tests" / "triage" / "cases.toml"


@dataclass(frozen=True)
class Case:
    text: str
    lang: str  # "en", "sw", "fr" or "mixed"
    level: str
    signs: frozenset[str]
    systolic: int | None = None
    diastolic: int | None = None
    temperature_c: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    case: Case
    level: str
    signs: frozenset[str]

    @property
    def under(self) -> bool:
        return LEVELS.index(self.level) < LEVELS.index(self.case.level)

    @property
    def over(self) -> bool:
        return LEVELS.index(self.level) > LEVELS.index(self.case.level)


def load_cases(path: Path = DEFAULT_CASES) -> list[Case]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Case(
            text=entry["text"],
            lang=entry["lang"],
            level=entry["level"],
            signs=frozenset(entry.get("signs", [])),
            systolic=entry.get("systolic"),
            diastolic=entry.get("diastolic"),
            temperature_c=entry.get("temperature_c"),
            note=entry.get("note", ""),
        )
        for entry in raw["case"]
    ]


def run_case(case: Case) -> Outcome:
    result = triage(
        case.text,
        None if case.lang == "mixed" else case.lang,
        systolic=case.systolic,
        diastolic=case.diastolic,
        temperature_c=case.temperature_c,
    )
    return Outcome(case, result.level, frozenset(sign.code for sign in result.signs))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def figures(outcomes: list[Outcome]) -> dict[str, float | int | dict[str, int]]:
    emergency = [o for o in outcomes if o.case.level == "emergency"]
    urgent = [o for o in outcomes if o.case.level == "urgent"]
    return {
        "cases": len(outcomes),
        "cases_per_language": dict(sorted(Counter(o.case.lang for o in outcomes).items())),
        "emergency_recall": _share(sum(o.level == "emergency" for o in emergency), len(emergency)),
        "urgent_recall": _share(sum(o.level != "routine" for o in urgent), len(urgent)),
        "level_accuracy": _share(sum(o.level == o.case.level for o in outcomes), len(outcomes)),
        "over_triage_rate": _share(sum(o.over for o in outcomes), len(outcomes)),
        "under_triaged": sum(o.under for o in outcomes),
        "sign_accuracy": _share(sum(o.signs == o.case.signs for o in outcomes), len(outcomes)),
    }


def report(outcomes: list[Outcome], verbose: bool = False) -> str:
    f = figures(outcomes)
    per_language = ", ".join(f"{lang} {count}" for lang, count in f["cases_per_language"].items())
    lines = [
        f"cases               {f['cases']} ({per_language})",
        f"emergency recall    {f['emergency_recall']:.3f}",
        f"urgent recall       {f['urgent_recall']:.3f}  (urgent cases referred, urgent or higher)",
        f"level accuracy      {f['level_accuracy']:.3f}",
        f"over-triage rate    {f['over_triage_rate']:.3f}",
        f"under-triaged       {f['under_triaged']}",
        f"sign accuracy       {f['sign_accuracy']:.3f}  (exactly the expected sign codes)",
    ]
    misses = [o for o in outcomes if o.level != o.case.level or (verbose and o.signs != o.case.signs)]
    for o in misses:
        lines.append(f"  expected {o.case.level}, got {o.level}: {o.case.text!r}")
        if o.signs != o.case.signs:
            missing, extra = sorted(o.case.signs - o.signs), sorted(o.signs - o.case.signs)
            lines.append(f"      signs missing {missing}, extra {extra}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edgekit_health.triage.evaluate", description=__doc__)
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="a cases.toml file")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list cases whose signs differ")
    args = parser.parse_args(argv)
    if not args.cases.is_file():
        print(f"No cases file at {args.cases}; pass one with --cases.", file=sys.stderr)
        return 2
    print(report([run_case(case) for case in load_cases(args.cases)], verbose=args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
