"""What the chat model is asked for a hint: the tutor's instruction (prompts/tutor.txt), the lesson it grounds
the hint in, and the item. Never the item's answer: what the model is not told it cannot copy (it may still work
it out; leaks.py catches that). Nor the pupil's wrong attempt: shown it, qwen2.5-0.5b repeated it in 22 of the
evaluation set's 65 stuck hints and stated it as the result or called it correct in 17 (endorsement.py still
checks for it).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from edgekit_edu.item import Item

PROMPTS = Path(__file__).parent / "prompts"
LANGUAGE_NAMES = {"en": "English", "sw": "Swahili (Kiswahili)", "fr": "French"}


@cache
def instruction(kind: str) -> str:
    return (PROMPTS / f"{kind}.txt").read_text(encoding="utf-8").strip()


def hint_messages(item: Item | None, question: str, lesson_text: str, lang: str) -> list[dict]:
    language = LANGUAGE_NAMES.get(lang, "English")
    system = instruction("tutor" if item is not None else "lesson").format(language=language)
    if lesson_text:
        system += "\n\nLesson notes:\n" + lesson_text
    parts = []
    if item is not None:
        parts.append(f"Exercise: {item.prompt}")
        if item.choices:
            parts.append("Choices: " + " / ".join(item.choices))
    if question:
        parts.append(question)
    elif item is not None:
        parts.append("I am stuck. Can you give me a hint?")
    parts.append(f"(Reply in {language}, in one or two short sentences.)")
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n".join(parts)}]
