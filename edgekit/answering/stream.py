"""A blocking producer (the model writing in a worker thread) handed to the event loop piece by piece.

The event loop never waits on a model, so one long answer does not stall the other phones. When the consumer
goes away (the client disconnected, the task was cancelled), the cancel event is set and `emit` raises
`Cancelled` in the worker, which stops the generation within one token; `on_done` runs in the worker once the
model is really free.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class _Done:
    """Put on the queue once the worker has finished."""


_DONE = _Done()


class Cancelled(Exception):
    """Raised inside the worker by `emit` once the consumer has gone: it unwinds whatever was generating."""


def keep_apart(_first: T, _second: T) -> T | None:
    """The default: every item goes out as it came (None: not joined)."""
    return None


def join_text(first: str, second: str) -> str | None:
    """Pieces of text that arrived together go out as one."""
    return first + second


async def push_from_thread(
    run: Callable[[threading.Event, Callable[[T], None]], None],
    on_done: Callable[[], None] = lambda: None,
    join: Callable[[T, T], T | None] = keep_apart,
) -> AsyncIterator[T]:
    """Run `run(cancel, emit)` in a worker thread and yield what it emits, in order. Items that arrived while
    the last one was being sent are joined (`join`) when they can be: fewer, larger writes when the box is busy,
    and the event loop takes less of the GIL the model's thread needs."""
    loop = asyncio.get_running_loop()
    pieces: asyncio.Queue[T | _Done | BaseException] = asyncio.Queue()
    cancel = threading.Event()

    def put(item: T | _Done | BaseException) -> None:
        try:
            loop.call_soon_threadsafe(pieces.put_nowait, item)
        except RuntimeError:  # the loop closed under us (server shutting down): nobody is listening
            cancel.set()

    def emit(piece: T) -> None:
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
    held: T | _Done | BaseException | None = None  # an item not joined to the last, sent on the next round
    try:
        while True:
            item, held = (held if held is not None else await pieces.get()), None
            if isinstance(item, _Done):
                return
            if isinstance(item, BaseException):
                raise item
            while not pieces.empty():
                following = pieces.get_nowait()
                merged = None if isinstance(following, (_Done, BaseException)) else join(item, following)
                if merged is None:
                    held = following
                    break
                item = merged
            yield item
    finally:
        cancel.set()


async def watch_disconnect(
    is_disconnected: Callable[[], Awaitable[bool]], cancel: threading.Event, every_s: float = 0.25
) -> None:
    """Set `cancel` when the client goes away (for answers that are not streamed)."""
    while not cancel.is_set():
        if await is_disconnected():
            cancel.set()
            return
        await asyncio.sleep(every_s)
