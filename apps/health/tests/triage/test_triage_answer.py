"""The interface the app's registry, routes, CLI and guard call, and the answer a health worker reads."""

import pytest
from edgekit_health.triage import LEVELS, Sign, Triage, referral_text, triage

from edgekit.sdk import EdgekitError


@pytest.mark.parametrize(
    ("text", "lang", "kwargs", "level"),
    [
        ("She had fits this morning and is bleeding heavily", "en", {}, "emergency"),
        ("Mtoto hanyonyi na ana degedege", "sw", {}, "emergency"),
        ("BP 150/95, no headache", None, {}, "urgent"),
        ("swollen face and hands", None, {"systolic": 145, "diastolic": 92}, "urgent"),
        ("severe headache and she sees blurred", None, {"systolic": 165, "diastolic": 112}, "emergency"),
        ("headache", None, {"systolic": 170, "diastolic": 112}, "emergency"),
        ("no bleeding, baby moving well", None, {"systolic": 112, "diastolic": 70}, "routine"),
        ("BP 150/95", None, {}, "urgent"),
        ("", None, {"systolic": 162, "diastolic": 100}, "emergency"),
    ],
)
def test_the_texts_the_app_relies_on(text, lang, kwargs, level):
    result = triage(text, lang, **kwargs)
    assert isinstance(result, Triage) and result.level == level
    assert result.refer is (level != "routine")


def test_the_answer_shape():
    result = triage("She had fits this morning and is bleeding heavily", "en")
    assert LEVELS == ("routine", "urgent", "emergency")
    assert set(result.as_dict()) == {"level", "signs", "refer", "advice", "sources"}
    assert all(set(sign) == {"code", "label", "evidence"} for sign in result.as_dict()["signs"])
    assert all(isinstance(sign, Sign) for sign in result.signs)
    assert {sign.code: sign.evidence for sign in result.signs} == {
        "convulsions": "fits",
        "vaginal_bleeding": "bleeding",
    }
    assert result.sources and all("WHO" in source for source in result.sources)
    assert len(result.sources) == len(set(result.sources))


@pytest.mark.parametrize(
    ("text", "lang"),
    [("She is bleeding heavily", "en"), ("Anatokwa na damu nyingi", "sw"), ("Elle saigne beaucoup", "fr")],
)
def test_emergency_advice_begins_with_the_referral(text, lang):
    result = triage(text, lang)
    assert result.level == "emergency"
    assert result.advice.startswith(referral_text("emergency", lang))
    assert len(result.advice) > len(referral_text("emergency", lang))  # then what to do on the way


def test_the_referral_sentences():
    assert referral_text("emergency", "en").startswith("Refer now")
    assert referral_text("emergency", "sw").startswith("Rufaa sasa hivi")
    assert referral_text("emergency", "fr").startswith("Référez immédiatement")
    assert "today" in referral_text("urgent", "en") and "leo" in referral_text("urgent", "sw")
    assert "aujourd'hui" in referral_text("urgent", "fr")
    assert referral_text("emergency", "ha") == referral_text("emergency", "en")
    with pytest.raises(ValueError):
        referral_text("soon", "en")


def test_urgent_and_routine_answers():
    urgent = triage("Her face and hands are swollen", "fr")
    assert urgent.advice.startswith(referral_text("urgent", "fr")) and urgent.lang == "fr"
    assert urgent.signs[0].label == "Gonflement du visage, des mains ou des pieds"
    routine = triage("Feeling well, baby kicking", "en")
    assert routine.level == "routine" and routine.signs == [] and routine.refer is False
    assert routine.advice == referral_text("routine", "en")
    assert any("antenatal care" in source and "2016" in source for source in routine.sources)


def test_the_answer_language():
    assert triage("Mtoto hanyonyi na ana degedege").lang == "sw"
    assert triage("Le bébé ne tète plus depuis hier").lang == "fr"
    assert triage("Mtoto hanyonyi", "sw-KE").lang == "sw"
    assert triage("Mtoto hanyonyi", "ha").lang == "en"  # no Hausa rules: English, never a failure
    assert triage("convulsions", "sw").signs[0].label == "Degedege (kifafa)"


@pytest.mark.parametrize("text", ["", "   \n"])
def test_an_empty_note_is_refused(text):
    with pytest.raises(EdgekitError) as error:
        triage(text)
    assert error.value.code == "empty_triage" and error.value.http_status == 422


def test_a_long_note_is_refused():
    with pytest.raises(EdgekitError) as error:
        triage("bleeding " * 300)
    assert error.value.code == "text_too_long" and error.value.http_status == 422
    assert triage("x" * 1990 + " fits").level == "emergency"


def test_the_same_note_always_gives_the_same_answer():
    text = "Waters broke yesterday and now the fluid smells bad and she has a fever"
    assert triage(text).as_dict() == triage(text).as_dict()
    assert triage(text).level == "emergency"
