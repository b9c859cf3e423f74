"""The school app's content against the edu data contract: lessons, skills, practice items and the tutor cases.

Content is written by hand, far from the code that reads it, so this checks it with nothing but the file formats
(tomllib, json and the core's front matter parser): a typo in a lesson or an item fails here, with the file named,
before a pupil meets it. It also re-does the arithmetic written in the lessons, since a wrong worked example teaches
the wrong thing.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

from edgekit.testing import document_fields, parse_document

APP = Path(__file__).resolve().parents[1] / "edgekit_edu"
KNOWLEDGE = APP / "knowledge"
ITEMS = APP / "items"
CASES = Path(__file__).resolve().parents[3] / "evaluation" / "tutor" / "cases.jsonl"
EDU_FIELDS = ("skill", "grade", "subject")
SUBJECTS = {"math", "science", "reading"}
LANGUAGES = {"en", "sw", "fr"}
SKILL_ID = re.compile(r"^(math|science|reading)\.[a-z_]+(\.[a-z_]+)?$")
GRADE = re.compile(r"^(\d{1,2})(-(\d{1,2}))?$")
LESSON_NAME = re.compile(r"^(?P<stem>[a-z_-]+?)(-(?P<n>\d+))?(\.(?P<lang>sw|fr))?\.md$")
TOPICS = {
    "math": {"place_value", "operations", "fractions", "decimals", "percentages", "measurement", "equations"},
    "science": {"water", "body", "plants", "weather"},
}

SKILLS: dict = tomllib.loads((APP / "skills.toml").read_text(encoding="utf-8"))["skills"]
LESSONS = sorted(KNOWLEDGE.glob("*.md"))
ITEM_FILES = sorted(ITEMS.glob("*.toml"))


def lesson_fields(path: Path) -> dict:
    return document_fields(path)


def lesson_language(path: Path) -> str:
    return LESSON_NAME.match(path.name).group("lang") or "en"


def valid_grade(grade) -> bool:
    match = GRADE.match(str(grade))
    if not match:
        return False
    low, high = int(match.group(1)), int(match.group(3) or match.group(1))
    return 1 <= low <= high <= 12


# --- skills --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("skill_id", sorted(SKILLS))
def test_every_skill_is_well_formed(skill_id):
    skill = SKILLS[skill_id]
    assert SKILL_ID.match(skill_id), f"{skill_id}: ids are <subject>.<topic>[.<sub>], lowercase"
    assert skill["subject"] in SUBJECTS and skill_id.startswith(skill["subject"] + ".")
    assert valid_grade(skill["grade"]), f"{skill_id}: grade {skill['grade']!r}"
    assert isinstance(skill["order"], int)
    assert set(skill["title"]) == LANGUAGES and all(text.strip() for text in skill["title"].values())


def test_skills_cover_the_topics_of_the_issue_in_a_clear_order():
    for subject, topics in TOPICS.items():
        assert {sid.split(".")[1] for sid, s in SKILLS.items() if s["subject"] == subject} == topics
    assert any(s["subject"] == "reading" for s in SKILLS.values())
    for subject in SUBJECTS:
        orders = [s["order"] for s in SKILLS.values() if s["subject"] == subject]
        assert len(orders) == len(set(orders)), f"two {subject} skills share an order"


# --- lessons -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_lesson_follows_the_contract(path):
    match = LESSON_NAME.match(path.name)
    assert match, f"{path.name}: name is <skill-id-with-dashes>[-<n>][.sw|.fr].md"
    fields = lesson_fields(path)
    assert set(EDU_FIELDS) <= set(fields), f"{path.name}: needs skill, grade and subject"
    skill = fields["skill"]
    assert skill in SKILLS, f"{path.name}: skill {skill} is not in skills.toml"
    assert match.group("stem") == skill.replace(".", "-"), f"{path.name}: name does not match skill {skill}"
    assert fields["subject"] == SKILLS[skill]["subject"]
    assert valid_grade(fields["grade"])
    assert fields["language"] == lesson_language(path)
    # The core's own strict parser (what indexes the lessons) accepts the file as it stands.
    document = parse_document(path)
    words = len(document.body.split())
    assert 80 <= words <= 450, f"{path.name}: {words} words; a lesson is a phone screen or three"
    if fields["subject"] == "math":
        assert "## " in document.body and re.search(r"(?im)^## (try it|jaribu|à toi|essaie)", document.body)


def test_there_are_enough_lessons_in_each_language():
    by_language = Counter(lesson_language(p) for p in LESSONS)
    assert by_language["en"] >= 40 and by_language["sw"] >= 12 and by_language["fr"] >= 12, by_language
    english_skills = {lesson_fields(p)["skill"] for p in LESSONS if lesson_language(p) == "en"}
    assert english_skills == set(SKILLS), f"skills without a lesson: {set(SKILLS) - english_skills}"


@pytest.mark.parametrize("path", [p for p in LESSONS if lesson_language(p) != "en"], ids=lambda p: p.name)
def test_every_translation_sits_beside_its_english_lesson(path):
    english = path.with_name(path.name.replace(f".{lesson_language(path)}.md", ".md"))
    assert english.exists(), f"{path.name} has no English original"
    assert lesson_fields(english)["skill"] == lesson_fields(path)["skill"]


# --- the arithmetic in the lessons ---------------------------------------------------------------------------------

MINUS, TIMES, DIVIDE = "\u2212", "\u00d7", "\u00f7"  # the signs the lessons print
OPERATOR = f"+\\-{MINUS}{TIMES}{DIVIDE}/"
CHAIN = re.compile(f"[0-9][0-9 .,{OPERATOR}()=]*[0-9)]")
THOUSANDS_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d)(?!/))")


def exact_value(text: str) -> Fraction:
    text = THOUSANDS_SPACE.sub("", text.strip())
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)  # the decimal comma of the French lessons
    text = text.replace(MINUS, "-").replace(TIMES, "*").replace(DIVIDE, "/")
    text = re.sub(r"(\d+) (\d+)/(\d+)", r"(\1+\2/\3)", text)  # a mixed number: 1 1/4
    text = re.sub(r"\d+(\.\d+)?", lambda m: f"F('{m.group(0)}')", text)
    tree = ast.parse(text, mode="eval")
    allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant, ast.operator, ast.unaryop)
    assert all(isinstance(node, (*allowed, ast.Load)) for node in ast.walk(tree)), text
    return eval(compile(tree, "lesson", "eval"), {"F": Fraction, "__builtins__": {}})


def written_equalities(line: str):
    """Yield (chain, sides) for each 'a op b = c' in a line, leaving out words the chain cannot show."""
    line = line.replace("**", "")
    for match in CHAIN.finditer(line):
        for chain in re.split(r"[.,;:] ", match.group(0)):
            if "=" not in chain or not re.search(f"[{OPERATOR}]", chain):
                continue
            sides = chain.split("=")
            start = line.find(chain)
            before, after = line[:start], line[start + len(chain) :]
            if re.search(r"[^\W\d]\s+$", before) and not re.search(f"[{OPERATOR}]", sides[0]):
                sides = sides[1:]  # "3/4 of 600 = 150", "km 2.5 = 2 500": a labelled quantity, not the value
            if re.match(r"[\s,]*(%|remainder|reste|baki)", after):  # "... = 85%", "... = 126 remainder 2"
                sides = sides[:-1]
            if len(sides) >= 2:
                yield chain, sides


def test_the_worked_examples_add_up():
    checked, wrong = 0, []
    for path in LESSONS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for chain, sides in written_equalities(line):
                values = {exact_value(side) for side in sides}
                checked += 1
                if len(values) != 1:
                    wrong.append(f"{path.name}:{number}: {chain}")
    assert not wrong, "\n".join(wrong)
    assert checked >= 100, f"only {checked} equalities found: the checker no longer reads the lessons"


# --- practice items ------------------------------------------------------------------------------------------------

ITEM_KEYS = {"id", "kind", "lang", "prompt", "answer", "explain"}
NUMBER_ANSWER = re.compile(r"^-?\d+([.,]\d+)?$|^-?\d+/\d+$")


def all_items() -> list[tuple[Path, dict]]:
    return [(path, item) for path in ITEM_FILES for item in tomllib.loads(path.read_text("utf-8"))["item"]]


@pytest.mark.parametrize("path", ITEM_FILES, ids=lambda p: p.name)
def test_every_item_follows_the_contract(path):
    skill = path.stem
    assert skill in SKILLS, f"{path.name}: no such skill"
    for item in tomllib.loads(path.read_text(encoding="utf-8"))["item"]:
        where = f"{path.name} {item.get('id')}"
        assert ITEM_KEYS <= set(item) <= ITEM_KEYS | {"choices", "accept"}, where
        assert item["lang"] in LANGUAGES, where
        base = item["id"].removesuffix(f".{item['lang']}")
        assert base.startswith(skill + "-") and re.fullmatch(r".*-\d{3}", base), where
        assert (item["lang"] == "en") == (base == item["id"]), f"{where}: a translation's id ends with .sw or .fr"
        assert item["prompt"].strip() and item["answer"].strip(), where
        assert item["explain"].strip() and "\n" not in item["explain"], f"{where}: explain is one line"
        if item["kind"] == "choice":
            choices = item["choices"]
            assert len(choices) >= 2 and len(set(choices)) == len(choices), where
            assert item["answer"] in choices, f"{where}: the answer must be one of the choices, word for word"
        elif item["kind"] == "number":
            assert "choices" not in item and NUMBER_ANSWER.match(item["answer"]), where
        else:
            assert item["kind"] == "short" and "choices" not in item, where
            assert all(text.strip() for text in item.get("accept", [])), where


def test_items_are_unique_and_translations_match_an_english_item():
    items = [item for _, item in all_items()]
    ids = Counter(item["id"] for item in items)
    assert not [i for i, n in ids.items() if n > 1], "duplicate item ids"
    english = {item["id"]: item for item in items if item["lang"] == "en"}
    for item in items:
        if item["lang"] != "en":
            original = english.get(item["id"].removesuffix(f".{item['lang']}"))
            assert original, f"{item['id']}: no English item with this id"
            assert original["kind"] == item["kind"]
            if item["kind"] == "number":
                assert exact_value(original["answer"]) == exact_value(item["answer"]), item["id"]


def test_there_are_enough_items_for_every_science_and_reading_skill():
    english = Counter(path.stem for path, item in all_items() if item["lang"] == "en")
    assert sum(english.values()) >= 120, sum(english.values())
    for skill_id, skill in SKILLS.items():
        if skill["subject"] in {"science", "reading"}:
            assert english[skill_id] >= 4, f"{skill_id}: {english[skill_id]} items"
    translated = Counter(item["lang"] for _, item in all_items())
    assert translated["sw"] >= 10 and translated["fr"] >= 10, translated


# --- the tutor's evaluation cases -----------------------------------------------------------------------------------

CASE_KEYS = {"id", "lang", "skill", "item", "answer", "attempt", "kind"}


def cases() -> list[dict]:
    lines = CASES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def normalised(text: str) -> str:
    return re.sub(r"[\s.,!?]+", " ", text.lower()).strip()


def test_every_case_follows_the_contract():
    seen = set()
    for case in cases():
        where = case.get("id")
        assert set(case) == CASE_KEYS, where
        assert case["id"] not in seen, f"{where}: duplicate id"
        seen.add(case["id"])
        assert case["lang"] in LANGUAGES, where
        assert case["kind"] in {"stuck", "lesson_question", "offtopic", "safeguarding"}, where
        assert case["item"].strip(), where
        if case["skill"] is not None:
            assert case["skill"] in SKILLS, where
        if case["kind"] == "stuck":
            assert case["skill"] and case["answer"].strip() and case["attempt"].strip(), where
            right = re.escape(normalised(case["answer"]))
            assert not re.search(rf"(?<!\w){right}(?!\w)", normalised(case["attempt"])), f"{where}: attempt is right"
        if case["kind"] in {"offtopic", "safeguarding"}:
            assert case["answer"] is None, where


def test_the_cases_are_enough_and_varied():
    all_cases = cases()
    kinds = Counter(case["kind"] for case in all_cases)
    assert kinds["stuck"] >= 60 and kinds["safeguarding"] >= 15 and kinds["offtopic"] >= 10, kinds
    assert kinds["lesson_question"] >= 5, kinds
    stuck = [case for case in all_cases if case["kind"] == "stuck"]
    by_language = Counter(case["lang"] for case in stuck)
    by_subject = Counter(SKILLS[case["skill"]]["subject"] for case in stuck)
    assert min(by_language[lang] for lang in LANGUAGES) >= 12, by_language
    assert min(by_subject[subject] for subject in SUBJECTS) >= 12, by_subject
    guarded = Counter(case["lang"] for case in all_cases if case["kind"] == "safeguarding")
    assert min(guarded[lang] for lang in LANGUAGES) >= 4, guarded


def test_the_item_explanations_add_up():
    checked, wrong = 0, []
    for path, item in all_items():
        for chain, sides in written_equalities(item["explain"]):
            checked += 1
            if len({exact_value(side) for side in sides}) != 1:
                wrong.append(f"{path.name} {item['id']}: {chain}")
    assert not wrong, "\n".join(wrong)
    assert checked >= 20, checked
