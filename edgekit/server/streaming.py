"""Run a model's blocking token stream in a worker thread and hand it to the event loop piece by piece.

The event loop never waits on a model, so one long answer does not stall the other phones. When the consumer
goes away (the client disconnected, the task was cancelled), the cancel event is set and the generation stops
within one token; `on_done` runs in the worker once the model is really free.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable

_DONE = object()


class Cancelled(Exception):
    """Raised inside the worker by `emit` once the consumer has gone: it unwinds whatever was generating."""


async def push_from_thread(
    run: Callable[[threading.Event, Callable[[str], None]], None],
    on_done: Callable[[], None] = lambda: None,
) -> AsyncIterator[str]:
    """For a producer that hands its pieces to a callback (`emit`), as the answer pipeline does."""
    loop = asyncio.get_running_loop()
    pieces: asyncio.Queue = asyncio.Queue()
    cancel = threading.Event()

    def put(item) -> None:
        try:
            loop.call_soon_threadsafe(pieces.put_nowait, item)
        except RuntimeError:  # the loop closed under us (server shutting down): nobody is listening
            cancel.set()

    def emit(piece: str) -> None:
        if cancel.is_set():
            raise Cancelled
        put(piece)

    def work() -> None:
        try:
            run(cancel, emit)
        except Cancelled:
            pass
        except BaseException as exc:  # noqa: BLE001  (handed to the consumer, which re-raises it)
            put(exc)
        finally:
            on_done()
            put(_DONE)

    threading.Thread(target=work, name="edgekit-generate", daemon=True).start()
    held = None  # a non-text item met while gathering text, handled on the next round
    try:
        while True:
            item, held = (held if held is not None else await pieces.get()), None
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            # Pieces that arrived while the last one was being sent go out together: fewer, larger writes
            # when the box is busy, and the event loop takes less of the GIL the model's thread needs.
            while not pieces.empty():
                following = pieces.get_nowait()
                if not isinstance(following, str):
                    held = following
                    break
                item += following
            yield item
    finally:
        cancel.set()


async def watch_disconnect(is_disconnected: Callable, cancel: threading.Event, every_s: float = 0.25) -> None:
    """Set `cancel` when the client goes away (for answers that are not streamed)."""
    while not cancel.is_set():
        if await is_disconnected():
            cancel.set()
            return
        await asyncio.sleep(every_s)


def stream_in_turn(
    ticket,
    run: Callable[[threading.Event, Callable[[str], None]], None],
    *,
    wrap: Callable[[str], str] = lambda piece: piece,
    opening: str | None = None,
) -> tuple[AsyncIterator[str], Callable[[], None]]:
    """Wait for a queue ticket's turn, send `opening`, then stream `run`'s pieces (each through `wrap`) from a
    worker thread, which releases the ticket once the model is free. Also returns a release for the response's
    background task: a client may leave before the stream is ever started, and its place must not stay taken."""
    handed_over = False

    def release_unless_handed_over() -> None:
        if not handed_over:
            ticket.release()

    async def events() -> AsyncIterator[str]:
        nonlocal handed_over
        try:
            await ticket.turn()
            if opening is not None:
                yield opening
            handed_over = True
            async for piece in push_from_thread(run, on_done=ticket.release):
                yield wrap(piece)
        finally:
            release_unless_handed_over()

    return events(), release_unless_handed_over
