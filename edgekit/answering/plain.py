"""Plain chat: the chat model answers alone (no app, no passages), after the same guard and before the same
record as an app's answer. `edgekit ask "..."` and /v1/chat/completions take this path."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from edgekit.answering.guard import Screened, guard_lead, screen
from edgekit.answering.record import record_exchange
from edgekit.answering.results import GUARD_MODEL, Answer
from edgekit.guards import joined

if TYPE_CHECKING:
    from edgekit.kit import Kit
    from edgekit.power.energy import EnergyMeter
    from edgekit.store.tables import User


def ask(
    kit: Kit,
    question: str,
    *,
    max_tokens: int,
    on_text: Callable[[str], None] = lambda _text: None,
    seed: int | None = None,
    record: bool = True,
    user: User | None = None,
) -> Answer:
    """Ask the chat model; on_text receives the answer as it streams. Records the exchange unless `record` is
    False. A guard's answer is the answer, or the answer's first words; no model can change or remove it."""
    screened = screen(kit, question, user=user)
    with answering(kit) as (started, meter):
        if screened.guarded is not None:
            on_text(guard_lead(screened.guarded))
        if screened.final:
            text, model_id, tokens = screened.guarded.text if screened.guarded else "", GUARD_MODEL, 0
        else:
            from edgekit.engines.llm_llamacpp import Generation

            generation = Generation()
            with kit.manager.acquire("chat") as engine:
                llm: Any = engine
                for piece in llm.stream_answer(
                    screened.question, max_tokens=max_tokens, seed=seed, generation=generation
                ):
                    on_text(piece)
                text, model_id, tokens = generation.text, llm.spec.id, generation.tokens
            text = with_guard_lead(screened, text)
        result = Answer(answer=text.strip(), model=model_id, tokens=tokens, latency_ms=elapsed_ms(started))
        if record:
            record_exchange(
                kit.db,
                energy=meter.stop(),
                question=screened.question,
                user_id=user.id if user else None,
                **result.as_dict(),
            )
        return result


def with_guard_lead(screened: Screened, text: str) -> str:
    """The guard's words come first, whatever the model wrote after them."""
    return joined(screened.guarded.text, text) if screened.guarded is not None else text


@contextmanager
def answering(kit: Kit) -> Iterator[tuple[float, EnergyMeter]]:
    """The clock and the energy meter of one answer; the meter stops also when the answer failed or is not
    recorded: the answer is no longer in progress."""
    started = time.perf_counter()
    meter = kit.power.meter()
    try:
        yield started, meter
    finally:
        meter.stop()


def elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
