"""Hints that back a wrong answer: the pupil's own repeated as the result, a wrong choice named, or any answer
announced as correct, in English, Swahili and French; hints that point at the method pass."""

from __future__ import annotations

import pytest
from edgekit_edu.endorsement import announces_answer, backs_wrong_answer, final_answer, names_attempt
from edgekit_edu.item import Item

CRATES = Item(
    id="x",
    skill="math.operations.divide",
    kind="number",
    lang="en",
    prompt="A farmer packs 500 mangoes into crates of 12. How many crates can he fill completely?",
    answer="41",
)
VITAMIN = Item(
    id="x",
    skill="science.body.deficiency",
    kind="choice",
    lang="en",
    prompt="A child has bleeding gums and wounds that heal slowly. Which vitamin is probably missing?",
    answer="Vitamin C",
    choices=("Vitamin C", "Vitamin D", "Iodine", "Protein"),
)


@pytest.mark.parametrize(
    "attempt, final",
    [
        ("42", "42"),
        ("15 x 600 = 9000", "9000"),
        ("1/5 because 20 - 15 = 5", "1/5"),
        ("this one is killing me, 420?", "420"),
        ("le thermomètre, ça me tue ces questions", "le thermomètre"),
        ("vitamin D", "vitamin D"),
    ],
)
def test_the_final_answer_is_read_out_of_what_the_pupil_typed(attempt, final):
    assert final_answer(attempt) == final


def test_a_hint_that_repeats_the_pupils_wrong_number_backs_it():
    assert backs_wrong_answer("The farmer can fill 42 crates completely.", CRATES, "42") == "attempt"
    assert backs_wrong_answer("He can fill forty-two crates.", CRATES, "42") == "attempt"
    assert backs_wrong_answer("How many groups of 12 fit into 500?", CRATES, "42") == ""
    # A number the question holds is no endorsement: the hint may use 12 when the pupil answered 12.
    assert not names_attempt("How many groups of 12 fit into 500?", CRATES, "12")


def test_a_hint_that_repeats_the_pupils_wrong_words_backs_them():
    short = Item(
        id="x",
        skill="science.weather",
        kind="short",
        lang="fr",
        prompt="Quel instrument mesure la pluie ?",
        answer="le pluviomètre",
    )
    assert backs_wrong_answer("Le thermomètre mesure la quantité de pluie.", short, "le thermomètre, ça me tue")
    assert not backs_wrong_answer("Quel instrument recueille l'eau qui tombe ?", short, "le thermomètre")
    # Words the passage holds may be quoted: "the earth" is in the story the pupil reads.
    story = Item(
        id="x",
        skill="reading.stories",
        kind="short",
        lang="en",
        prompt='"Buffalo carried away the earth. Tortoise carried small stones." What did Tortoise carry?',
        answer="small stones",
    )
    assert not backs_wrong_answer("Buffalo carried away the earth. What did Tortoise do?", story, "the earth")


def test_a_hint_that_names_a_wrong_choice_backs_it_unless_it_weighs_them_all():
    assert backs_wrong_answer("The child is likely missing vitamin D.", VITAMIN, "") == "wrong_choice"
    assert backs_wrong_answer("Which food heals gums: think of oranges.", VITAMIN, "") == ""
    weighs = "Vitamin C, vitamin D, iodine or protein: which one do oranges give?"
    assert backs_wrong_answer(weighs, VITAMIN, "") == ""


@pytest.mark.parametrize(
    "hint, announces",
    [
        ("The correct answer is 44.", True),
        ("The answer is 44.", True),
        ("La condensation est la réponse correcte.", True),
        ("Cette formule est correcte et irréductible.", True),
        ("Jibu sahihi ni 44.", True),
        ("Mizizi ni sahihi.", True),
        ("What do you do first: the brackets or the addition?", False),
        ("Fanya kwanza kilicho ndani ya mabano.", False),
        ("Que fais-tu d'abord : les parenthèses ou l'addition ?", False),
    ],
)
def test_a_hint_never_announces_an_answer(hint, announces):
    assert announces_answer(hint) is announces
