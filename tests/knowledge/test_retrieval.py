"""Retrieval on the test pack with the real embedding model.

How the relevance floor was set (edgekit/knowledge/retrieval.py), from these questions: related English questions
reach cosine 0.43-0.76 with their passage and cover half or more of their content words; unrelated ones ("car
gearbox", "capital of France", "bake bread") stay under cosine 0.2 and match no content word. Swahili questions are
judged by words alone, because all-MiniLM gives unrelated Swahili passages cosines of 0.40-0.54.
"""

from __future__ import annotations

import logging

import pytest

from edgekit.errors import BadInput
from edgekit.knowledge import Passage, retrieve
from edgekit.knowledge.language import found_in, stem
from edgekit.knowledge.packs import add_pack
from edgekit.knowledge.retrieval import fts_query
from tests.knowledge.conftest import TEST_PACK


def paths(passages: list[Passage]) -> list[str]:
    return [p.document_path.split("/", 1)[1] for p in passages]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How do I store maize after harvest?", "maize-storage.md"),
        ("What are the signs of malaria?", "malaria-signs.md"),
        ("My chickens are dying with green droppings", "newcastle-disease.md"),
        ("my goat is thin and pale", "goat-deworming.md"),
        ("How many times should a pregnant woman go to the clinic?", "antenatal-care.md"),
        ("cassava leaves with yellow patches", "cassava-mosaic.md"),
    ],
)
def test_an_english_question_finds_the_right_document_first(indexed_kit, question, expected):
    passages = retrieve(indexed_kit, question)
    assert paths(passages)[0] == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Ninawezaje kuzuia viwavijeshi kwenye mahindi?", "fall-armyworm.md"),
        ("Mtoto ana kuhara, nifanye nini?", "oral-rehydration.md"),
        ("Jinsi ya kuhifadhi mahindi baada ya mavuno", "maize-storage.md"),
        ("Mbuzi wangu amekonda sana", "goat-deworming.md"),
        ("Comment stocker le maïs après la récolte ?", "maize-storage.md"),
        ("Quels sont les signes du paludisme ?", "malaria-signs.md"),
    ],
)
def test_a_swahili_or_french_question_finds_the_english_document(indexed_kit, question, expected):
    passages = retrieve(indexed_kit, question)
    assert paths(passages)[0] == expected
    assert passages[0].language == "en"


def test_the_document_in_the_askers_language_ranks_first(indexed_kit):
    french = retrieve(indexed_kit, "Comment lutter contre la chenille légionnaire dans le maïs ?")
    assert paths(french)[:2] == ["fall-armyworm.fr.md", "fall-armyworm.md"]
    swahili = retrieve(indexed_kit, "Dalili za malaria ni zipi?")
    assert paths(swahili)[:2] == ["malaria-signs.sw.md", "malaria-signs.md"]
    english = retrieve(indexed_kit, "What are the signs of malaria?")
    assert paths(english)[0] == "malaria-signs.md" and "malaria-signs.sw.md" in paths(english)


def test_the_language_given_by_the_caller_wins_over_the_guess(indexed_kit):
    question = "How do I control fall armyworm?"
    assert paths(retrieve(indexed_kit, question))[0] == "fall-armyworm.md"
    assert paths(retrieve(indexed_kit, question, lang="fr"))[0] == "fall-armyworm.fr.md"


@pytest.mark.parametrize(
    "question",
    [
        "How do I fix a car gearbox?",
        "What is the capital of France?",
        "How do I bake bread?",
        "Quelle est la meilleure voiture ?",
        "Gari langu limeharibika",
    ],
)
def test_an_unrelated_question_returns_nothing(indexed_kit, question):
    assert retrieve(indexed_kit, question) == []


def test_a_passage_carries_its_citation_and_a_short_snippet(indexed_kit):
    [first, *_] = retrieve(indexed_kit, "How do I store maize after harvest?", k=2)
    assert first.title == "Storing maize grain after harvest"
    assert first.source == "Post-harvest handling programme"
    assert first.url == "https://example.org/postharvest/maize-storage"
    assert first.document_path == "pack/maize-storage.md" and first.heading == "Storing maize grain"
    assert 0 < first.score <= 1 and first.language == "en"
    assert len(first.snippet.split()) <= 42 and "grain" in first.snippet.lower()
    assert set(first.snippet.replace("…", "").split()) <= set(first.text.split())


def test_k_limits_the_passages_and_one_passage_per_document(indexed_kit):
    passages = retrieve(indexed_kit, "maize", k=1)
    assert len(passages) == 1
    many = retrieve(indexed_kit, "maize leaves caterpillars grain", k=10)
    assert len(paths(many)) == len(set(paths(many)))


def test_fts_syntax_in_a_question_is_only_words(indexed_kit):
    # Each word quoted; a word of four letters or more is looked for by its stem, as a prefix.
    assert fts_query(["weevils", "or"]) == '"weevil"* OR "or"'
    assert fts_query(["stored"]) == '"stor"*'  # a form of its stem: finds "store" and "storage"
    assert '"pest"' in fts_query(["pests"]) and "*" not in fts_query(["pests"])  # "pest"* would find pesticides
    for question in ['maize" OR NEAR(', "title:malaria*", "AND OR NOT", "-malaria ^ (signs)"]:
        retrieve(indexed_kit, question)  # no FTS5 syntax error


def test_a_word_is_found_whatever_its_ending(indexed_kit):
    """ "stored" finds the store and storage sections, as "store" does: English and French endings are matched by
    stem, in the full-text search and in the relevance floor alike."""
    stored = retrieve(indexed_kit, "stored", k=3)  # the pack says "store" and "storage", never "stored"
    assert stored and "storage" in paths(stored)[0]
    assert stem("stored") == stem("store") == stem("storage") == "stor"
    assert stem("stocké".replace("é", "e")) == stem("stockage") == "stock"
    assert stem("protective") == stem("protection") == "protect"
    assert stem("breed") == "breed" and stem("water") == "water" and stem("cows") == "cows"  # too short to cut
    assert found_in("weevil", {"weevils"}) and not found_in("cow", {"cowpea"})
    assert found_in("pests", {"pest"}) and not found_in("pests", {"pesticide"})  # a short stem is no prefix
    assert stem("virus") == "virus" and stem("press") == "press"


def test_an_empty_question_is_bad_input(indexed_kit):
    with pytest.raises(BadInput) as caught:
        retrieve(indexed_kit, "   ")
    assert caught.value.code == "empty_question"


def test_packs_are_scoped_to_their_app(kit, tmp_path):
    import shutil

    add_pack(kit, shutil.copytree(TEST_PACK, tmp_path / "agri"), app="agri")
    question = "How do I store maize after harvest?"
    assert paths(retrieve(kit, question, app="agri"))[0] == "maize-storage.md"
    assert retrieve(kit, question, app="health") == []
    assert paths(retrieve(kit, question))[0] == "maize-storage.md"


def test_without_the_embedding_model_search_falls_back_to_keywords_with_a_warning(bare_kit, caplog):
    add_pack(bare_kit, TEST_PACK)
    with caplog.at_level(logging.WARNING, logger="edgekit.knowledge"):
        passages = retrieve(bare_kit, "How do I store maize after harvest?")
    assert paths(passages)[0] == "maize-storage.md"
    assert "keywords only" in caplog.text and "minilm-int8" in caplog.text
    assert paths(retrieve(bare_kit, "Ninawezaje kuzuia viwavijeshi kwenye mahindi?"))[0] == "fall-armyworm.md"
    assert retrieve(bare_kit, "How do I fix a car gearbox?") == []
