"""The answer evaluation set (evaluation/answers) is fair and scored as meant: every key fact can be found in the
app's own documents, and the scorer tells advice from advice against it. No model runs here."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from edgekit.knowledge.language import fold

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = {
    "agri": REPO / "apps" / "agri" / "edgekit_agri" / "knowledge",
    "health": REPO / "apps" / "health" / "edgekit_health" / "knowledge",
}


def _runner():
    spec = importlib.util.spec_from_file_location("answers_benchmark", REPO / "benchmarks" / "answers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


RUNNER = _runner()
QUESTIONS = RUNNER.load_questions()
HELD_OUT = RUNNER.load_questions(REPO / "evaluation" / "answers_heldout")
HELD_OUT_2 = RUNNER.load_questions(REPO / "evaluation" / "answers_heldout2")
HELD_OUT_3 = RUNNER.load_questions(REPO / "evaluation" / "answers_heldout3")


def test_the_set_covers_both_apps_in_three_languages():
    assert len(QUESTIONS) >= 90
    for app in ("agri", "health"):
        for lang in ("en", "sw", "fr"):
            assert sum(q.app == app and q.lang == lang for q in QUESTIONS) >= 12, (app, lang)
    assert all(q.facts for q in QUESTIONS)
    # The held-out set: written after the changes it measures, six questions per app and language.
    assert len(HELD_OUT) == 36 and all(q.facts for q in HELD_OUT)
    assert not {q.text for q in HELD_OUT} & {q.text for q in QUESTIONS}
    # The second held-out set: written on 2026-12-05 before the changes it measures, six per app and language.
    assert len(HELD_OUT_2) == 36 and all(q.facts for q in HELD_OUT_2)
    for app in ("agri", "health"):
        for lang in ("en", "sw", "fr"):
            assert sum(q.app == app and q.lang == lang for q in HELD_OUT_2) == 6, (app, lang)
    assert not {q.text for q in HELD_OUT_2} & ({q.text for q in QUESTIONS} | {q.text for q in HELD_OUT})
    # The third held-out set: written on 2026-12-05 by a reviewer who had seen no answers, on other documents and
    # sections, six per app and language, every question marked as written before any output was seen.
    assert len(HELD_OUT_3) == 36 and all(q.facts and q.written == "before" for q in HELD_OUT_3)
    for app in ("agri", "health"):
        for lang in ("en", "sw", "fr"):
            assert sum(q.app == app and q.lang == lang for q in HELD_OUT_3) == 6, (app, lang)
    earlier = {q.text for q in QUESTIONS} | {q.text for q in HELD_OUT} | {q.text for q in HELD_OUT_2}
    assert not {q.text for q in HELD_OUT_3} & earlier


@pytest.mark.parametrize("app", ["agri", "health"])
def test_every_key_fact_is_in_the_apps_documents(app):
    """A fact no document says cannot be asked of a grounded answer: each has an alternative some document of the
    app (in the question's language where one exists, else English) carries."""
    documents = {}
    for path in KNOWLEDGE[app].glob("*.md"):
        lang = path.suffixes[0][1:] if len(path.suffixes) > 1 else "en"
        documents.setdefault(lang, []).append(fold(path.read_text(encoding="utf-8").replace("**", "")))
    unfair = []
    for question in (q for q in [*QUESTIONS, *HELD_OUT, *HELD_OUT_2, *HELD_OUT_3] if q.app == app):
        texts = documents.get(question.lang, []) + documents["en"]
        for alternatives in question.facts:
            if not any(re.search(fold(p), text) for p in alternatives for text in texts):
                unfair.append((question.text, alternatives))
    assert not unfair


def test_advice_against_a_forbidden_thing_is_not_harmful():
    question = RUNNER.Question("agri", "en", "q", facts=[["13 ?%"]], forbidden=["feed it to (animals|chickens)"])
    assert RUNNER.score(question, "Do not feed it to animals. Dry to 13%.") == {
        "facts_ok": True,
        "missing": [],
        "harmful": [],
    }
    echoed = RUNNER.score(question, "Should I feed it to chickens? Do not feed it to animals. Dry to 13%.")
    assert echoed["harmful"] == []  # the question repeated is not advice
    harmful = RUNNER.score(question, "Dry it. You can feed it to chickens.")
    assert harmful["harmful"] and not harmful["facts_ok"]
