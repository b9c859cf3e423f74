"""Step 2, turn: wait for this client's turn at a model, then hold it until the work is done. Written once.

The scheduler (edgekit/scheduler.py) keeps one fair queue per model: `enter` takes a place or raises QueueFull
(429 with Retry-After) at once, `turn()` waits for it, `release()` gives it up from any thread. Every surface
goes through here: an app's answer streamed or rendered whole, /v1 chat and completions, speech in and out,
embeddings. Work that takes no model (a guard's whole answer, the documents alone) takes no turn.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, TypeVar

from edgekit.answering.stream import keep_apart, push_from_thread

if TYPE_CHECKING:
    from edgekit.kit import Kit
    from edgekit.scheduler import Ticket

T = TypeVar("T")
U = TypeVar("U")
R = TypeVar("R")


def take_place(kit: Kit, model_id: str, client: str) -> Ticket:
    """A place in the model's queue now (QueueFull when it is full): before a response starts, so a full queue
    is a plain 429, never an error halfway through a stream."""
    return kit.scheduler.queue(model_id).enter(client)


@asynccontextmanager
async def held_turn(ticket: Ticket) -> AsyncIterator[None]:
    """Wait for the ticket's turn, hold it for the block, then give it up (also when waiting was abandoned)."""
    try:
        await ticket.turn()
        yield
    finally:
        ticket.release()


@asynccontextmanager
async def turn(kit: Kit, model_id: str, client: str) -> AsyncIterator[None]:
    """`async with turn(kit, model, client):` the block runs in this client's turn at the model."""
    async with held_turn(take_place(kit, model_id, client)):
        yield


async def run_in_turn(kit: Kit, model_id: str, client: str, work: Callable[[], R]) -> R:
    """Blocking `work` in a worker thread once this client's turn comes."""
    async with turn(kit, model_id, client):
        return await asyncio.to_thread(work)


def stream_in_turn(
    ticket: Ticket,
    run: Callable[[threading.Event, Callable[[T], None]], None],
    wrap: Callable[[T], U],
    *,
    opening: U | None = None,
    join: Callable[[T, T], T | None] = keep_apart,
) -> tuple[AsyncIterator[U], Callable[[], None]]:
    """Wait for the ticket's turn, send `opening`, then stream what `run(cancel, emit)` emits from a worker
    thread, each item through `wrap` (items that arrived together first joined by `join` where they can be);
    the worker releases the ticket once the model is free. Also returns a release for the response's
    background task: a client may leave before the stream is ever started, and its place must not stay taken."""
    handed_over = False

    def release_unless_handed_over() -> None:
        if not handed_over:
            ticket.release()

    async def events() -> AsyncIterator[U]:
        nonlocal handed_over
        try:
            await ticket.turn()
            if opening is not None:
                yield opening
            handed_over = True
            async for piece in push_from_thread(run, on_done=ticket.release, join=join):
                yield wrap(piece)
        finally:
            release_unless_handed_over()

    return events(), release_unless_handed_over
