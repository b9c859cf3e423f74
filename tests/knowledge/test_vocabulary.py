"""The index's vocabulary: how many chunks carry a word, as the full-text search finds it, and Swahili verb forms
matched by their root. Built from counts here; retrieval reads them from FTS5 (tests/knowledge/test_agri_recall.py
has the questions it serves)."""

from __future__ import annotations

from edgekit.knowledge.vocabulary import Vocabulary, swahili_roots

COUNTS = {
    "kuvimba": 21,
    "huvimba": 1,
    "yamevimba": 1,
    "kuhifadhi": 30,
    "maharage": 12,
    "manioc": 29,
    "donner": 40,
    "weevil": 2,
    "weevils": 5,
    "pest": 3,
    "pesticide": 9,
}


def test_a_verb_in_the_askers_form_shares_its_root_with_the_documents_form():
    assert "vimb" in swahili_roots("umevimba") & swahili_roots("kuvimba")
    assert "hifadh" in swahili_roots("anapoyahifadhi") & swahili_roots("kuhifadhi")
    assert "subir" in swahili_roots("nisubiri") & swahili_roots("usisubiri")
    # Roots shorter than four letters match too much ("la", to eat): none is given.
    assert all(len(root) >= 4 for word in ("tukala", "usile", "kupika") for root in swahili_roots(word))


def test_counts_follow_the_search_forms():
    words = Vocabulary(chunks=100, counts=dict(COUNTS))
    assert words.carrying("weevil") == 7  # searched as a prefix: "weevils" too
    assert words.carrying("pests") == 3  # a short stem is no prefix: not "pesticide"
    assert words.carrying("absent") == 0
    assert words.weight("weevil") > words.weight("donner") > 0


def test_a_word_the_index_lacks_becomes_its_most_common_relative_and_the_others_stay():
    words = Vocabulary(chunks=100, counts=dict(COUNTS))
    assert words.relative("umevimba") == "kuvimba"
    assert words.relative("pikipiki") is None
    assert words.in_index_form(["umevimba", "maharage", "pikipiki", "kuvimba"]) == ["kuvimba", "maharage", "pikipiki"]
