"""An app's answer on the server: guard first, then a turn at the chat model only when one is needed, then the
grounded answer as a stream of events. The page with JavaScript (SSE), the page without it (the form post) and
the app API all render this one flow, so a change to it reaches every one of them.

- A guard's whole answer is given at once: no model, so no turn and no queue (a full queue cannot hide it).
- A guard's opening words go out at once; the rest follows once the question's turn comes.
- An answer that takes no model (chat switched off, kept off by the power profile, a language the model does
  not write) is worked out in a worker thread without a turn: it neither waits in the queue nor counts against it.
- Otherwise the question takes its place in the chat model's queue now (QueueFull, 429, before any response
  starts), unless a guard spoke: then its words go out with a note that the rest must wait.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from edgekit.answering.grounded import answer_question, needs_model_turn
from edgekit.answering.guard import Screened, busy_with_guard, guard_lead, screen
from edgekit.answering.results import GroundedAnswer
from edgekit.answering.turn import stream_in_turn, take_place
from edgekit.scheduler import QueueFull

if TYPE_CHECKING:
    from edgekit.kit import Kit
    from edgekit.store.tables import User


@dataclass(frozen=True)
class Token:
    """A piece of the answer as it is written."""

    text: str


@dataclass(frozen=True)
class Withdraw:
    """The n-th streamed sentence (from 0) failed the grounding check: the page strikes it out."""

    number: int
    text: str


@dataclass(frozen=True)
class Done:
    """The whole answer, with its citations."""

    result: GroundedAnswer


Event = Token | Withdraw | Done


def join_tokens(first: Event, second: Event) -> Event | None:
    """Tokens that arrived together go out as one: fewer, larger writes when the box is busy."""
    if isinstance(first, Token) and isinstance(second, Token):
        return Token(first.text + second.text)
    return None


def _nothing_to_release() -> None:
    return None


@dataclass
class Asked:
    """An answer under way: its events, and a release for the response's background task (a client that
    leaves before the stream starts must not keep its place in the queue)."""

    events: AsyncIterator[Event]
    release: Callable[[], None] = field(default=_nothing_to_release)

    async def result(self) -> GroundedAnswer:
        """The whole answer, for a surface that shows it at once (the page without JavaScript)."""
        try:
            async for event in self.events:
                if isinstance(event, Done):
                    return event.result
        finally:
            self.release()
        raise RuntimeError("the answer ended without a result")


async def ask_app(
    kit: Kit, app_id: str, question: str, *, client: str, lang: str | None = None, user: User | None = None
) -> Asked:
    """Start answering `question` from app `app_id` for `client` (its place in the queue) and `user` (who is
    signed in, if anyone: the exchange is kept under their name). Raises before any event: unknown_app, bad
    questions, and queue_full when no guard spoke."""
    screened = screen(kit, question, app_id=app_id, lang=lang, user=user)
    user_id = user.id if user is not None else None
    lead: list[Event] = [Token(guard_lead(screened.guarded))] if screened.guarded is not None else []

    def answer(
        on_text: Callable[[str], None] = lambda _text: None,
        on_withdraw: Callable[[int, str], None] = lambda _number, _text: None,
    ) -> GroundedAnswer:
        return answer_question(
            kit,
            app_id,
            screened.question,
            lang=lang,
            on_text=on_text,
            on_withdraw=on_withdraw,
            user_id=user_id,
            screened=screened,
        )

    if not needs_model_turn(kit, screened):  # the guard's whole answer, or the documents alone: no turn
        return Asked(_without_turn(lead, answer))
    try:
        ticket = take_place(kit, kit.manager.model_for("chat"), client)
    except QueueFull:
        if screened.guarded is None:
            raise
        return Asked(_listed([*lead, Done(busy_with_guard(app_id, screened, lang))]))

    def run(_cancel: threading.Event, emit: Callable[[Event], None]) -> None:
        result = answer(
            on_text=lambda piece: emit(Token(piece)),
            on_withdraw=lambda number, sentence: emit(Withdraw(number, sentence)),
        )
        emit(Done(result))

    in_turn, release = stream_in_turn(ticket, run, lambda event: event, join=join_tokens)
    return Asked(_after(lead, in_turn), release)


async def _listed(events: list[Event]) -> AsyncIterator[Event]:
    for event in events:
        yield event


async def _after(lead: list[Event], rest: AsyncIterator[Event]) -> AsyncIterator[Event]:
    for event in lead:
        yield event
    async for event in rest:
        yield event


async def _without_turn(lead: list[Event], answer: Callable[..., GroundedAnswer]) -> AsyncIterator[Event]:
    """The lead at once, then an answer worked out in a worker thread without a turn at the model."""
    for event in lead:
        yield event
    pieces: list[str] = []
    result = await asyncio.to_thread(answer, pieces.append)
    for piece in pieces:
        yield Token(piece)
    yield Done(result)


__all__ = ["Asked", "Done", "Event", "Screened", "Token", "Withdraw", "ask_app", "join_tokens"]
