"""The tutor with the real instruction model (qwen2.5-0.5b-instruct): a stuck pupil gets a short hint, in English,
that never contains the item's answer in any written form (the leak check withdraws one that does, and a checked
template hint takes its place), and cites the skill's lesson."""

from __future__ import annotations

import asyncio

from edgekit_edu.generate import make_item
from edgekit_edu.leaks import leaks_answer
from edgekit_edu.tutor import PREFERRED_MODEL, TEMPLATE_MODEL, reply, tutor_model

from edgekit.testing import installed_models_dir


def test_a_stuck_pupil_gets_a_hint_that_never_gives_the_answer(app_kit):
    assert (installed_models_dir() / PREFERRED_MODEL / "model.toml").is_file(), "the tutor's model is installed"
    assert tutor_model(app_kit) == PREFERRED_MODEL  # the tests' chat model is a base model: the tutor takes qwen
    item = make_item("math.fractions.add_subtract", 11, "en")
    answer = asyncio.run(reply(app_kit, message="", lang="en", item=item, attempt="2/7", client="test", seed=3))
    assert answer.text and len(answer.text) < 600
    assert not leaks_answer(answer.text, item), answer.text
    assert answer.model in (PREFERRED_MODEL, TEMPLATE_MODEL)
    assert answer.kind in ("hint", "template_hint") and answer.flag is None
    assert answer.citations and answer.citations[0]["lesson"].startswith("math-fractions-add_subtract")
    if answer.model == TEMPLATE_MODEL:
        assert answer.withdrawn, "a template hint is shown only when the model's was withdrawn"
