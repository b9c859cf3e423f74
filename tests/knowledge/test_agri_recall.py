"""Retrieval on the real agri pack: recall@3 over farmers' questions in English, Swahili and French."""

from pathlib import PurePosixPath

import pytest

from edgekit.kit import Kit
from edgekit.knowledge import retrieve
from edgekit.knowledge.sync import sync_app_knowledge
from edgekit.settings import Settings
from tests.knowledge.agri_questions import QUESTIONS


def stem(document_path: str) -> str:
    """fall-armyworm.sw.md -> fall-armyworm: any language version of the right document counts."""
    return PurePosixPath(document_path).name.split(".")[0]


@pytest.fixture(scope="module")
def agri(installed_models_dir, embed_models_dir, tmp_path_factory):
    kit = Kit(
        Settings(home=tmp_path_factory.mktemp("recall-home"), models_dir_override=installed_models_dir, threads=2)
    )
    sync_app_knowledge(kit)
    yield kit
    kit.close()


def test_recall_at_3_is_at_least_0_9_in_every_language(agri):
    misses = []
    by_language: dict[str, list[bool]] = {}
    for lang, question, expected in QUESTIONS:
        found = [stem(p.document_path) for p in retrieve(agri, question, app="agri", lang=lang, k=3)]
        hit = expected in found
        by_language.setdefault(lang, []).append(hit)
        if not hit:
            misses.append((lang, question, expected, found))
    recall = sum(sum(hits) for hits in by_language.values()) / len(QUESTIONS)
    per_language = {lang: round(sum(hits) / len(hits), 3) for lang, hits in by_language.items()}
    print(f"\nrecall@3 {recall:.3f} over {len(QUESTIONS)} questions; by language {per_language}; misses {misses}")
    assert len(QUESTIONS) >= 30 and set(by_language) == {"en", "sw", "fr"}
    assert recall >= 0.9, misses


def test_a_document_in_the_askers_language_comes_first(agri):
    swahili = retrieve(agri, "Jinsi ya kuhifadhi mahindi baada ya mavuno", app="agri", lang="sw")
    french = retrieve(agri, "Comment sécher et stocker le maïs ?", app="agri", lang="fr")
    assert swahili[0].document_path.endswith("maize-storage.sw.md")
    assert french[0].document_path.endswith("maize-storage.fr.md")


@pytest.mark.parametrize(
    "lang, question, expected",
    [
        # The want ("without chemicals") is fall armyworm's heading; the subject (weevils, stored) is the storage
        # document's, in other sections and in another form ("stored" / "store", "storage").
        ("en", "Weevils are eating my stored maize, how do I keep them out without chemicals?", "maize-storage"),
        # Swahili function words ("kuwa", to be) no longer dilute the share of the question's words found.
        ("sw", "Ua dume la mgomba linakauka na kuwa jeusi. Nizuie vipi ugonjwa usienee?", "banana-xanthomonas-wilt"),
    ],
)
def test_the_subjects_document_comes_first_when_another_matches_the_want(agri, lang, question, expected):
    found = [stem(p.document_path) for p in retrieve(agri, question, app="agri", lang=lang, k=3)]
    assert found[:1] == [expected], found


def test_the_french_weevil_question_keeps_the_storage_document_in_the_first_two(agri):
    """Without the embedding (it reads English), the French weevil question ties: fall armyworm's "sans produits
    chimiques" section by its words, the storage document by the whole document's; which leads depends on the
    other documents indexed (the known weak case, in the closing note)."""
    lang = "fr"
    question = "Comment protéger le maïs stocké contre les charançons sans produits chimiques ?"
    found = [stem(p.document_path) for p in retrieve(agri, question, app="agri", lang=lang, k=3)]
    assert "maize-storage" in found[:2], found


def test_a_question_told_as_a_story_finds_its_document_and_an_unrelated_one_nothing(agri):
    """Swahili is searched by words alone: words no document has (the asker's own story) do not count against a
    passage, as long as most of the question's words are known to some document."""
    story = "Tuna mahindi mengi yenye ukungu ghalani ambayo hatutakula. Je, tuwape kuku wetu?"
    found = [stem(p.document_path) for p in retrieve(agri, story, app="agri", lang="sw", k=3)]
    assert "aflatoxin" in found, found
    assert retrieve(agri, "Mji mkuu wa Ufaransa ni upi na una watu wangapi?", app="agri", lang="sw") == []
    assert retrieve(agri, "Watoto wanapenda mpira wa miguu sana.", app="agri", lang="sw") == []


@pytest.mark.parametrize(
    "lang, story, expected",
    [
        # Most of its words are the asker's own (a neighbour, a market, a colour): a section carries a few of the
        # rare ones, its document half their weight. (A Swahili story whose verbs keep their tense marker in the
        # root found, "niliona" -> "aliona", still fails: the closing note of 2026-12-05.)
        (
            "fr",
            "Mon oncle a planté des boutures qu'il a achetées au marché et maintenant les feuilles de son manioc sont "
            "déformées avec des taches jaunes. Qu'est-ce qu'il doit faire ?",
            "cassava-mosaic-disease",
        ),
    ],
)
def test_a_long_story_in_swahili_or_french_finds_its_document(agri, lang, story, expected):
    found = [stem(p.document_path) for p in retrieve(agri, story, app="agri", lang=lang, k=3)]
    assert found[:1] == [expected], found


@pytest.mark.parametrize(
    "lang, story",
    [
        (
            "fr",
            "Mon fils veut aller à l'école en ville l'année prochaine ; combien coûte le bus et où est-ce qu'on "
            "achète les cahiers ?",
        ),
        (
            "sw",
            "Mwanangu anataka kwenda shule ya sekondari mjini mwaka ujao; basi linagharimu kiasi gani na vitabu "
            "vinanunuliwa wapi?",
        ),
        ("sw", "Mjomba wangu ananunua pikipiki mpya mjini wiki ijayo na anataka kujua bei ya mafuta na bima yake."),
    ],
)
def test_a_long_story_about_something_else_still_finds_nothing(agri, lang, story):
    """Judging a long story by its passage's whole document must not let a few common words through."""
    assert retrieve(agri, story, app="agri", lang=lang) == []
