"""Retrieval as shipped (BM25 and embeddings fused, the relevance floor, the language boost), per app and language:

- recall@1 and recall@3 on the apps' recall sets (tests/knowledge/agri_questions.py for agri,
  apps/health/tests/recall_questions.toml for health): the expected document, any language version, among the
  first one or three;
- on the answers evaluation set (evaluation/answers/*.toml): the share of questions whose passages, as an
  instruction model is shown them (prompt_passages), carry every key fact. No model can write a fact it was not
  given, so this is the ceiling of the key-facts figure in benchmarks/answers.py; a question answered whole by
  a guard (a danger sign) is left out, as no passage is shown for it.
Compare two commits by running it on each. Not a test: it never fails a build.

    .venv/bin/python benchmarks/retrieval.py [--misses] [--set answers_heldout]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tomllib
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))


def stem(path: str) -> str:
    return PurePosixPath(path).name.split(".")[0]


def recall_sets() -> dict[str, list[tuple[str, str, str]]]:
    """app -> (lang, question, expected document stem)."""
    from tests.knowledge.agri_questions import QUESTIONS as AGRI

    health = tomllib.loads((REPO / "apps/health/tests/recall_questions.toml").read_text("utf-8"))["question"]
    return {"agri": list(AGRI), "health": [(q["lang"], q["text"], q["expected"]) for q in health]}


def recall(kit, show_misses: bool) -> None:
    from edgekit.knowledge import retrieve

    for app, questions in recall_sets().items():
        by_language: dict[str, list[int]] = {}
        for lang, question, expected in questions:
            found = [stem(p.document_path) for p in retrieve(kit, question, app=app, lang=lang, k=3)]
            counts = by_language.setdefault(lang, [0, 0, 0])
            counts[0] += found[:1] == [expected]
            counts[1] += expected in found
            counts[2] += 1
            if show_misses and found[:1] != [expected]:
                print(f"    {app} {lang} not first: {question!r} -> {expected}; found {found}")
        total = [sum(counts[i] for counts in by_language.values()) for i in range(3)]
        per_language = ", ".join(f"{lang} {c[0]}/{c[1]}/{c[2]}" for lang, c in by_language.items())
        print(
            f"{app:7} recall@1 {total[0] / total[2]:.2f} recall@3 {total[1] / total[2]:.2f} "
            f"({total[2]} questions; @1/@3/all: {per_language})"
        )


def facts_in_passages(kit, show_misses: bool, folder: Path) -> None:
    from answers import load_questions, score

    from edgekit.answering.generate import prompt_passages
    from edgekit.answering.guard import screen
    from edgekit.answering.prompt import passage_text
    from edgekit.answering.retrieve import find_passages

    by_language: dict[str, list[int]] = {}
    for question in load_questions(folder):
        screened = screen(kit, question.text, app_id=question.app, lang=question.lang)
        if screened.final:
            continue
        passages = find_passages(kit, screened.question, question.app, screened.lang)
        shown = prompt_passages(kit, screened.question, passages) if passages else []
        lead = screened.guarded.text if screened.guarded is not None else ""
        carried = score(question, lead + "\n" + "\n".join(passage_text(p) for p in shown))
        counts = by_language.setdefault(question.lang, [0, 0])
        counts[0] += carried["facts_ok"]
        counts[1] += 1
        if show_misses and not carried["facts_ok"]:
            print(f"    {question.app} {question.lang} {question.text!r} missing {carried['missing']}")
            for passage in shown:
                print(f"        shown: {passage.document_path} | {passage.heading}")
    carried_all = sum(c[0] for c in by_language.values())
    asked = sum(c[1] for c in by_language.values())
    per_language = ", ".join(f"{lang} {c[0]}/{c[1]}" for lang, c in by_language.items())
    share = carried_all / asked
    print(f"answers: every key fact in the passages shown {carried_all}/{asked} = {share:.2f} ({per_language})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an edgekit home to index into (default: a new temporary one)")
    parser.add_argument("--misses", action="store_true", help="print every question not answered first")
    parser.add_argument(
        "--set",
        choices=("answers", "answers_heldout", "answers_heldout2", "answers_heldout3"),
        default="answers",
        help="the evaluation set under evaluation/ whose key facts the passages shown are checked for",
    )
    args = parser.parse_args()
    from answers import make_kit

    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or Path(scratch)
        kit = make_kit(home, "extractive", threads=2)
        try:
            recall(kit, args.misses)
            facts_in_passages(kit, args.misses, REPO / "evaluation" / args.set)
        finally:
            kit.close()


if __name__ == "__main__":
    main()
