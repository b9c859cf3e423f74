"""Step 2, turn: wait for this client's turn at a model, then hold it until the work is done. Written once.

The scheduler (edgekit/scheduler.py) keeps one fair queue per model: `enter` takes a place or raises QueueFull
(429 with Retry-After) at once, `turn()` waits for it, `release()` gives it up from any thread. Every surface
goes through here: an app's answer streamed or rendered whole, /v1 chat and completions, speech in and out,
embeddings. Work that takes no model (a guard's whole answer, the documents alone) takes no turn.
"""

from __future__ import annotations

import asyncio
import contextlib
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


async def run_in_turn(kit: Kit, model_id: str, client: str, work: Callable[[threading.Event], R]) -> R:
    """Blocking `work(cancel)` in a thread of its own once this client's turn comes, holding the turn until the
    work has really ended. A client that goes away (its task cancelled) sets `cancel`, so work that generates stops
    at its next token; the thread gives the turn up when the work returns, never before, so the next client's
    work never overlaps a cancelled one still running."""
    ticket = take_place(kit, model_id, client)
    handed_over = False
    try:
        await ticket.turn()
        handed_over = True
        return await run_then_release(ticket, work)
    finally:
        if not handed_over:
            ticket.release()


async def run_then_release(ticket: Ticket, work: Callable[[threading.Event], R]) -> R:
    """Run `work(cancel)` in a new thread (not the loop's executor: a queued executor job can be cancelled
    before it runs, and its turn would never be given up); the thread releases the ticket when the work ends."""
    loop = asyncio.get_running_loop()
    ended: asyncio.Future[R] = loop.create_future()
    cancel = threading.Event()

    def settle(result: R | None, error: BaseException | None) -> None:
        if ended.done():  # the client left: nobody awaits the outcome
            return
        if error is not None:
            ended.set_exception(error)
        else:
            ended.set_result(result)  # type: ignore[arg-type]

    def in_thread() -> None:
        result, error = None, None
        try:
            result = work(cancel)
        except BaseException as exc:  # noqa: BLE001  (handed to the awaiting client, which raises it)
            error = exc
        finally:
            ticket.release()
        with contextlib.suppress(RuntimeError):  # the loop closed (server shutting down): nobody is listening
            loop.call_soon_threadsafe(settle, result, error)

    try:
        threading.Thread(target=in_thread, name="edgekit-in-turn", daemon=True).start()
    except BaseException:  # no thread (the box is out of them): nobody else would give the turn up
        ticket.release()
        raise
    try:
        return await ended
    except asyncio.CancelledError:
        cancel.set()  # the thread still holds the turn until the work stops
        raise


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
