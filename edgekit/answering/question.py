"""The question itself: refused with a clear error before anything else runs when it is empty or too long."""

from __future__ import annotations

from edgekit.errors import BadInput

MAX_QUESTION_CHARS = 2000


def clean_question(question: str) -> str:
    question = question.strip()
    if not question:
        raise BadInput(
            'The question is empty. Ask something, for example: edgekit ask "How do I store maize?"',
            code="empty_question",
        )
    if len(question) > MAX_QUESTION_CHARS:
        raise BadInput(
            f"The question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}.",
            code="question_too_long",
        )
    return question
