"""An app's answer, step by step: guard -> retrieve -> generate -> check -> cite -> record.

A small model that makes things up is expected, not trusted, so:
- an app's guard (before_answer) sees the question first; its answer is final and no model runs after it, or
  it is the answer's first words and the grounded answer follows (edgekit/guards.py);
- the model answers only from passages of the app's own knowledge, and the answer carries them as citations;
- when nothing relevant is found the box says so plainly and names whom to ask, instead of inventing;
- when the chat model cannot run (not installed, busy, too big, switched off to save power) the answer is
  built from the best passages themselves (extractive).
The turn at the model (turn.py) is the caller's: the server takes it (flow.py), the CLI has the box to itself.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from edgekit.answering.cite import citations_of
from edgekit.answering.generate import OnText, OnWithdraw, Request, chat_may_write, generate
from edgekit.answering.guard import Screened, guard_lead, require_app, screen
from edgekit.answering.record import record_exchange
from edgekit.answering.results import GUARD_MODEL, NO_KNOWLEDGE_MODEL, GroundedAnswer
from edgekit.answering.retrieve import find_passages, nothing_found
from edgekit.guards import joined

if TYPE_CHECKING:
    from edgekit.kit import Kit
    from edgekit.power.energy import EnergyUse

log = logging.getLogger("edgekit.answering")


def answer_question(
    kit: Kit,
    app_id: str,
    question: str,
    *,
    lang: str | None = None,
    max_tokens: int | None = None,
    seed: int | None = None,
    on_text: OnText = lambda _text: None,
    on_withdraw: OnWithdraw = lambda _number, _sentence: None,
    record: bool = True,
    user_id: int | None = None,
    screened: Screened | None = None,
) -> GroundedAnswer:
    """Answer `question` from app `app_id`'s knowledge. `user_id` is who asked, when someone is signed in: the
    exchange is kept under their name for their past conversations (a guest's is kept under no one's).
    `screened`: screen()'s result when the caller has run it already and sent the guard's lead itself (the
    server does, before the question waits its turn); on_text then gets only what follows the lead.
    on_withdraw(n, sentence): the n-th streamed sentence (from 0) failed the grounding check and is taken back."""
    manifest = require_app(kit, app_id)
    lead_sent = screened is not None
    screened = screened or screen(kit, question, app_id=app_id, lang=lang)
    question, lang, guarded = screened.question, screened.lang, screened.guarded
    started = time.perf_counter()
    meter = kit.power.meter()  # what this answer costs, kept with it (edgekit/power/energy.py)
    try:
        result = GroundedAnswer(app=app_id, question=question, answer="")
        if guarded is not None:
            result.guard = guarded.data
            if not lead_sent:
                on_text(guard_lead(guarded))
        if guarded is not None and guarded.final:
            result.answer, result.model = guarded.text, GUARD_MODEL
        else:
            try:
                passages = find_passages(kit, question, app_id, lang)
                result.citations = citations_of(passages)
                if not passages:
                    text = nothing_found(kit, manifest, lang)
                    result.answer, result.model = text, NO_KNOWLEDGE_MODEL
                    on_text(text)
                else:
                    request = Request(question, passages, lang, manifest, max_tokens, seed)
                    written = generate(kit, request, on_text, on_withdraw)
                    result.answer, result.model, result.withdrawn = written.text, written.model, written.withdrawn
            except Exception:
                if guarded is None:
                    raise
                # The guard's words were given; whatever failed after them must not take them back.
                log.exception("answering after the %s guard failed; the guard's words stand alone", app_id)
                result.citations, result.answer, result.model = [], "", GUARD_MODEL
            if guarded is not None:  # the guard's words come first, whatever was written after them
                result.answer = joined(guarded.text, result.answer)
        result.latency_ms = round((time.perf_counter() - started) * 1000)
        if record:
            try:
                _record(kit, result, user_id, meter.stop())
            except Exception:
                if guarded is None:
                    raise
                log.exception("keeping an exchange of the %s app failed; the answer is still given", app_id)
        return result
    finally:
        meter.stop()  # also when it failed or is not recorded: the answer is no longer in progress


def needs_model_turn(kit: Kit, screened: Screened) -> bool:
    """Whether answering may take a turn at the chat model. Not for a guard's whole answer, nor with the chat model
    switched off or kept off by the power profile, nor in a language it does not write (the answer is the passages
    themselves): those take no model turn, so they never wait in its queue behind one, nor are refused because it
    is full."""
    return not screened.final and chat_may_write(kit, screened.lang)


def _record(kit: Kit, result: GroundedAnswer, user_id: int | None, energy: EnergyUse | None = None) -> None:
    record_exchange(
        kit.db,
        energy=energy,
        question=result.question,
        answer=result.answer,
        model=result.model,
        app=result.app,
        latency_ms=result.latency_ms,
        user_id=user_id,
    )
