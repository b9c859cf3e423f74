"""The health knowledge pack: every document parses with the core's parser and names its WHO source, the danger-sign
documents say plainly where to go, and the real retrieval (BM25 + the installed minilm-int8 embeddings) finds the
right document for health workers' questions in English, Swahili and French: recall@3 of at least 0.9.

Run the figure alone with: .venv/bin/pytest apps/health/tests/test_knowledge.py -k recall -s -q
"""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

import edgekit_health as app
import pytest

from edgekit import testing

KNOWLEDGE_DIR = testing.manifest_of(app).knowledge_dirs()[0]
DOCUMENTS = sorted(KNOWLEDGE_DIR.glob("*.md"))
QUESTIONS = tomllib.loads((Path(__file__).with_name("recall_questions.toml")).read_text("utf-8"))["question"]
EMBED_MODEL = "minilm-int8"
LANGUAGES = ("en", "sw", "fr")

# The eight a health worker needs most: each also in Swahili and French.
MOST_NEEDED = (
    "danger-signs-pregnancy",
    "danger-signs-after-birth",
    "newborn-danger-signs",
    "anc-schedule",
    "birth-preparedness",
    "breastfeeding",
    "pre-eclampsia",
    "malaria-pregnancy",
)
DANGER_SIGNS = ("danger-signs-pregnancy", "danger-signs-after-birth", "newborn-danger-signs")
# Said plainly, in these words, in every danger-sign document.
GO_NOW = {
    "en": "go to the health facility now",
    "sw": "nenda kituo cha afya sasa hivi",
    "fr": "allez au centre de santé maintenant",
}
# Every document ends its advice on the referral path: the nurse or midwife at the health facility.
REFERRAL = {"en": "nurse or midwife", "sw": "muuguzi au mkunga", "fr": "sage-femme"}


def stem(name: str) -> str:
    """breastfeeding.sw.md -> breastfeeding: any language version of the right document counts."""
    return PurePosixPath(name).name.split(".")[0]


def language_of(path: Path) -> str:
    """breastfeeding.md is English; breastfeeding.sw.md is Swahili."""
    parts = path.name.split(".")
    return parts[1] if len(parts) == 3 else "en"


def words(document) -> int:
    return len(document.body.split())


@pytest.fixture(scope="module")
def documents() -> dict:
    return {path.name: testing.parse_document(path) for path in DOCUMENTS}


def test_every_document_parses_with_every_front_matter_field_and_a_who_source(documents):
    assert len(documents) == len(DOCUMENTS) > 0
    for name, document in documents.items():
        for field in testing.known_document_fields():
            assert getattr(document, field), f"{name}: '{field}' is empty"
        assert "WHO" in document.source, f"{name}: the source names no WHO document"
        assert document.url.startswith("https://www.who.int/"), f"{name}: the url is not a WHO page"
        assert document.language == language_of(document.path), f"{name}: language {document.language}"
        assert document.body.lstrip().startswith(f"# {document.title}"), f"{name}: the heading is not the title"


def test_the_pack_has_enough_english_documents_of_the_right_length(documents):
    english = {name: d for name, d in documents.items() if d.language == "en"}
    assert len(english) >= 16
    too_short_or_long = {name: words(d) for name, d in english.items() if not 250 <= words(d) <= 450}
    assert not too_short_or_long, too_short_or_long


@pytest.mark.parametrize("topic", MOST_NEEDED)
def test_the_most_needed_documents_exist_in_three_languages_from_the_same_source(documents, topic):
    english = documents[f"{topic}.md"]
    for lang in ("sw", "fr"):
        translation = documents[f"{topic}.{lang}.md"]
        assert (translation.source, translation.url) == (english.source, english.url)
        assert set(translation.aliases) >= set(english.aliases), "the everyday words of every language stay"
        assert words(translation) >= 250


@pytest.mark.parametrize("topic", DANGER_SIGNS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_danger_sign_documents_say_go_to_the_health_facility_now(documents, topic, lang):
    name = f"{topic}.md" if lang == "en" else f"{topic}.{lang}.md"
    assert GO_NOW[lang] in documents[name].body.casefold()


def test_every_document_ends_on_the_referral_path(documents):
    for name, document in documents.items():
        last_section = document.body.rsplit("\n## ", 1)[-1]
        assert REFERRAL[document.language] in last_section.casefold(), f"{name}: no referral at the end"


def test_knowledge_md_lists_every_document_with_its_language_and_words(documents):
    """The table in apps/health/KNOWLEDGE.md is what reviewers read: it must not drift from the files."""
    table = (KNOWLEDGE_DIR.parents[1] / "KNOWLEDGE.md").read_text("utf-8")
    rows = [line.split("|") for line in table.splitlines() if line.startswith("| [")]
    listed = {row[1].strip().split("]")[0].lstrip("["): (row[-3].strip(), int(row[-2])) for row in rows}
    assert listed == {name: (d.language, words(d)) for name, d in documents.items()}


def test_no_question_is_asked_twice_and_each_expects_a_real_document():
    stems = {stem(path.name) for path in DOCUMENTS}
    assert len({(q["lang"], q["text"]) for q in QUESTIONS}) == len(QUESTIONS)
    assert {q["expected"] for q in QUESTIONS} <= stems


def test_every_passage_is_embedded(health_kit):
    (pack,) = testing.knowledge_packs(health_kit)
    assert pack.documents == len(DOCUMENTS)
    assert pack.embedded == pack.chunks > 0, "without embeddings the English questions would be keyword-only"


def test_recall_at_3_is_at_least_0_9_in_every_language(health_kit):
    misses = []
    by_language: dict[str, list[bool]] = {}
    for question in QUESTIONS:
        lang, text, expected = question["lang"], question["text"], question["expected"]
        found = [stem(p.document_path) for p in testing.app_context(app, health_kit).knowledge(text, lang=lang, k=3)]
        hit = expected in found
        by_language.setdefault(lang, []).append(hit)
        if not hit:
            misses.append((lang, text, expected, found))
    recall = sum(sum(hits) for hits in by_language.values()) / len(QUESTIONS)
    per_language = {lang: round(sum(hits) / len(hits), 3) for lang, hits in by_language.items()}
    print(f"\nhealth recall@3 {recall:.3f} over {len(QUESTIONS)} questions; {per_language}; misses {misses}")
    assert len(QUESTIONS) >= 30 and set(by_language) == set(LANGUAGES)
    assert recall >= 0.9, misses


def test_a_document_in_the_askers_language_comes_first(health_kit):
    swahili = testing.app_context(app, health_kit).knowledge("Dalili za hatari kwa mtoto mchanga", lang="sw")
    french = testing.app_context(app, health_kit).knowledge("Quels sont les signes de la pré-éclampsie ?", lang="fr")
    assert PurePosixPath(swahili[0].document_path).name == "newborn-danger-signs.sw.md"
    assert PurePosixPath(french[0].document_path).name == "pre-eclampsia.fr.md"


def test_a_question_for_another_app_finds_no_health_passage(health_kit):
    assert testing.app_context(app, health_kit).knowledge("How do I store maize after harvest?", lang="en") == []
