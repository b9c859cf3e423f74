"""An app's claims never to make (prompts/unsafe.toml): a model's sentence making one is withdrawn even when
every word of it is in the passages; the same words as advice against the act stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgekit.answering.check import SentenceGate
from edgekit.answering.unsafe import makes_unsafe_claim, unsafe_claims
from tests.answering.notes import Note

REPO = Path(__file__).resolve().parents[2]
AGRI = REPO / "apps" / "agri" / "edgekit_agri"
HEALTH = REPO / "apps" / "health" / "edgekit_health"


AFLATOXIN_FR = [
    Note(
        "L'aflatoxine",
        "Les enfants qui en mangent souvent grandissent moins bien. Que faire du grain moisi : ne le mangez pas. "
        "Le laver ou le cuire ne le rend pas sûr. Séchez le maïs bien vite.",
        "fr",
    )
]


def test_a_grounded_sentence_that_makes_an_unsafe_claim_is_withdrawn():
    """Written by the 1.5B model: every content word is in the passage, so the grounding check passed it."""
    shown, withdrawn = [], []
    gate = SentenceGate(AFLATOXIN_FR, shown.append, lambda n, s: withdrawn.append(s), unsafe_claims(AGRI))
    gate.feed("Le maïs moisi peut être mangé si vous le faites bien cuire. Ne le mangez pas.")
    gate.finish()
    assert withdrawn == ["Le maïs moisi peut être mangé si vous le faites bien cuire."]
    assert gate.kept == ["Ne le mangez pas."]


@pytest.mark.parametrize(
    "sentence",
    [
        "You can eat mouldy maize if you cook it well.",
        "Mouldy maize can be eaten after roasting.",
        "Cooking makes mouldy maize safe to eat.",
        "Oui, vous pouvez manger du maïs moisi si vous le faites bien cuire.",
        "Vous pouvez manger sans danger le maïs moisi s'il est bien cuit.",
        "You can eat mouldy maize without any risk once you cook it well.",
        "If you have no other food, mouldy maize can be eaten after cooking.",
        "Le maïs moisi, dont les grains sont noirs, peut être mangé.",
        "You can feed mouldy maize to your chickens.",
        "Vous pouvez donner le maïs moisi aux poules.",
        "Wape kuku mahindi yenye ukungu.",
        "Unaweza kula mahindi yenye ukungu bila hatari ukiyapika.",
        "Unaweza kula mahindi yenye ukungu ukiyapika vizuri.",
        "Use cattle dip on stored grain to kill weevils.",
        "You can use the pesticide bottle to carry water after rinsing it.",
    ],
)
def test_the_farm_apps_unsafe_claims_are_caught(sentence):
    assert makes_unsafe_claim(sentence, unsafe_claims(AGRI))


@pytest.mark.parametrize(
    "sentence",
    [
        "Do not eat mouldy grain: cooking or washing does not make it safe.",
        "Cooking does not make it safe.",
        "Ne le mangez pas. Le laver ou le cuire ne le rend pas sûr.",
        "Usile mahindi yenye ukungu; kupika hakuyafanyi salama.",
        "Never use crop sprays or cattle dip on food grain.",
        "You can dry grain on a tarpaulin.",
        "Never put pesticides in drink bottles or food containers.",
        # The same words, true: cassava roots from mosaic plants, mould's harm, chickens killed by mouldy maize.
        "Roots from mosaic plants are safe to eat when processed and cooked as usual.",
        "Mould can grow on grain stored wet.",
        "Mouldy maize can make people and animals sick.",
        "Mahindi yenye ukungu yanaweza kuwaua kuku.",
        "Usiwape kuku mahindi yenye ukungu.",
    ],
)
def test_advice_against_the_act_is_not_an_unsafe_claim(sentence):
    assert not makes_unsafe_claim(sentence, unsafe_claims(AGRI))


def test_the_health_apps_unsafe_claims_are_caught_and_advice_against_them_stays():
    claims = unsafe_claims(HEALTH)
    assert makes_unsafe_claim("If she has bleeding, wait until tomorrow.", claims)
    assert makes_unsafe_claim("Give the baby some water in the first six months when it is hot.", claims)
    assert makes_unsafe_claim("Put ash on the cord stump.", claims)
    assert not makes_unsafe_claim("Go to the health facility now if she has bleeding.", claims)
    assert not makes_unsafe_claim("Usimpe mtoto maji kwa miezi sita ya kwanza.", claims)
    assert makes_unsafe_claim("Usiku, subiri hadi asubuhi ikiwa ana homa.", claims)  # "usiku" is night, no "usi-"
    assert not makes_unsafe_claim("Watch for danger signs: bleeding, fits.", claims)
    assert not makes_unsafe_claim(
        "While you wait for transport, keep her warm; heavy bleeding is an emergency.", claims
    )
    assert not makes_unsafe_claim("Elle attend un bébé : en cas de saignement, allez au centre de santé.", claims)
    # The 1.5B model wrote the second after the guard's "Consultez au centre de santé aujourd'hui" (145/95).
    assert makes_unsafe_claim("Si elle se sent bien, elle peut attendre sa prochaine consultation.", claims)
    assert makes_unsafe_claim("She feels well, so she can wait until her next visit.", claims)
    assert not makes_unsafe_claim("Elle y va dès que possible, sans attendre la date suivante.", claims)
    assert not makes_unsafe_claim("Elle ne peut pas attendre sa prochaine consultation.", claims)


@pytest.mark.parametrize(
    ("sentence", "unsafe"),
    [
        # The 1.5B model wrote the first after the guard's "do not pull on the cord" (a birth at home, placenta in).
        ("The health worker should pull the cord.", True),
        ("Then gently pull on the cord to bring the placenta out.", True),
        ("Press firmly on her belly to push the placenta out.", True),
        ("Tirez doucement sur le cordon.", True),
        ("Mvute kitovu taratibu ili kondo litoke.", True),
        ("Wait for the placenta to come by itself. Do not pull the cord and never push on the belly.", False),
        ("Ne tirez pas sur le cordon et n'appuyez jamais sur son ventre.", False),
        ("Usivute kitovu na usibonyeze tumbo.", False),
        ("Tie the cord in two places and cut between the ties with a new blade.", False),
        # Read by a reviewer: other ways to say it, and warnings that name the act without telling it.
        ("If it has not come, gently pull on the cord.", True),
        ("Next, pull the cord.", True),
        ("Pull gently on the cord to help it out.", True),
        ("Try pulling the cord slowly.", True),
        ("If it does not come, press on her belly.", True),
        ("Tirez légèrement sur le cordon.", True),
        ("Vous pouvez tirer doucement sur le cordon.", True),
        ("Anapaswa kuvuta kitovu taratibu.", True),
        ("It is dangerous to pull the cord.", False),
        ("Il est dangereux de tirer sur le cordon.", False),
        ("Tirer fort sur le cordon peut arracher le placenta.", False),
        ("Ni hatari kuvuta kitovu.", False),
        ("Mhudumu hapaswi kuvuta kitovu.", False),
    ],
)
def test_pulling_the_cord_or_pushing_on_the_belly_is_never_advised(sentence, unsafe):
    assert makes_unsafe_claim(sentence, unsafe_claims(HEALTH)) is unsafe


def test_an_app_without_the_file_or_with_a_broken_pattern_still_answers(tmp_path, caplog):
    assert unsafe_claims(tmp_path) == () and unsafe_claims(None) == ()
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "unsafe.toml").write_text('[[claim]]\npatterns = ["(unclosed", "eat[^.]*raw"]\n')
    claims = unsafe_claims(tmp_path)
    assert len(claims) == 1 and makes_unsafe_claim("Eat the beans raw.", claims)
    assert "does not compile" in caplog.text
