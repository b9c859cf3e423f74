"""Answering a question with the local chat model, shared by the CLI and the server.

This is the plain path: guards, then the chat model, the answer streaming back, and the exchange recorded.
An app's question takes the grounded path (retrieval and citations) in edgekit/grounded.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from edgekit.engines.llm_llamacpp import Generation
from edgekit.errors import BadInput
from edgekit.guards import joined, read_guard
from edgekit.manager import ModelManager

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine as DbEngine

MAX_QUESTION_CHARS = 2000
GUARD_MODEL = "guard"  # the `model` of an answer a before_answer guard gave: no model ran


@dataclass
class Answer:
    answer: str
    model: str
    tokens: int
    latency_ms: int

    def as_dict(self) -> dict:
        return asdict(self)


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


def ask(
    manager: ModelManager,
    question: str,
    *,
    max_tokens: int,
    on_text: Callable[[str], None] = lambda _text: None,
    seed: int | None = None,
    db: DbEngine | None = None,
    guard: Callable[..., str | None] | None = None,
) -> Answer:
    """Ask the chat model; on_text receives the answer as it streams. Records the exchange when db is given.

    `guard` is the plugins' before_answer hook: it sees the question before any model does. An answer it gives
    is the answer, or the answer's first words (edgekit/guards.py); no model can change or remove it."""
    question = clean_question(question)
    started = time.perf_counter()
    meter = manager.power.meter() if manager.power is not None else None
    try:
        guarded = read_guard(guard(app=None, question=question, lang=None, user=None) if guard else None)
        if guarded is not None:
            on_text(guarded.text if guarded.final else guarded.text.strip() + "\n\n")
        if guarded is not None and guarded.final:
            text, model_id, tokens = guarded.text, GUARD_MODEL, 0
        else:
            generation = Generation()
            with manager.acquire("chat") as llm:
                for piece in llm.stream_answer(question, max_tokens=max_tokens, seed=seed, generation=generation):
                    on_text(piece)
                text, model_id, tokens = generation.text, llm.spec.id, generation.tokens
            if guarded is not None:  # the guard's words come first, whatever the model wrote after them
                text = joined(guarded.text, text)
        result = Answer(
            answer=text.strip(),
            model=model_id,
            tokens=tokens,
            latency_ms=round((time.perf_counter() - started) * 1000),
        )
        if db is not None:
            record_exchange(db, question=question, energy=meter.stop() if meter else None, **result.as_dict())
        return result
    finally:
        if meter is not None:
            meter.stop()  # also when it failed or is not recorded: the answer is no longer in progress


def record_exchange(db: DbEngine, energy=None, **fields) -> None:
    """Keep a question and the answer given (the exchange table), for past conversations, with what it cost
    (`energy`: an edgekit.power.energy.EnergyUse, when it was measured)."""
    from edgekit.store import session_for
    from edgekit.store.tables import Exchange

    if energy is not None:
        fields.update(energy_j=energy.joules, energy_method=energy.method, power_profile=energy.profile)

    with session_for(db) as session:
        session.add(Exchange(**fields))
        session.commit()
