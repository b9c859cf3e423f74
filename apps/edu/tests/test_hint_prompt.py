"""What the model is asked: the item and the lesson, a question about the first step, never the answer and never
the pupil's wrong attempt (a small model repeats what it is shown)."""

from __future__ import annotations

from edgekit_edu.hint_prompt import hint_messages
from edgekit_edu.item import Item


def test_the_model_is_asked_about_the_first_step_without_the_answer():
    item = Item(
        id="x",
        skill="math.operations.order",
        kind="number",
        lang="fr",
        prompt="Calcule 5 + 6 \u00d7 (7 \u2212 3).",
        answer="29",
    )
    system, user = hint_messages(item, "", "Les parenthèses d'abord.", "fr")
    assert "French" in system["content"] and "Les parenthèses d'abord." in system["content"]
    assert "Calcule 5 + 6 \u00d7 (7 \u2212 3)." in user["content"] and "first step" in system["content"]
    assert "29" not in system["content"] + user["content"]
