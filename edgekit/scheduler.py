"""Fair admission to a model: as many requests at a time as the model has slots, served round-robin across clients.

A classroom of thirty phones asks at once. Each model gets a bounded queue; a request that finds it full is
refused at once (queue_full, with a Retry-After) rather than left hanging. Most models run one request at a time;
the batching chat model runs one per slot (EDGEKIT_CHAT_PARALLEL), and a request that finds every slot taken waits
here. Waiting requests are served one client at a time in turn, so one client's ten requests do not all run before
another client's first. A request once admitted runs to its end: nothing interrupts it because another arrived.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from edgekit.errors import EdgekitError


class QueueFull(EdgekitError):
    code = "queue_full"
    http_status = 429

    def __init__(self, model_id: str, retry_after_s: int):
        super().__init__(
            f"The {model_id} model is busy with other people's questions. Try again in {retry_after_s} seconds."
        )
        self.retry_after_s = retry_after_s


@dataclass
class Ticket:
    """A place in a model's queue. Await `turn()`, then `release()` when the work is done, from any thread."""

    queue: FairQueue
    client: str
    granted: asyncio.Future[None]  # set when the ticket's turn comes (FairQueue.enter makes it)
    released: bool = False

    async def turn(self) -> None:
        await self.granted

    def release(self) -> None:
        """Give the place up; a second call does nothing, so every path that may end a request can call it."""
        if not self.released:
            self.released = True
            self.queue.release(self)


class FairQueue:
    def __init__(self, model_id: str, max_waiting: int, retry_after_s: int = 5, slots: int = 1):
        self.model_id = model_id
        self.max_waiting = max_waiting
        self.retry_after_s = retry_after_s
        self.slots = slots
        self._waiting: OrderedDict[str, deque[Ticket]] = OrderedDict()  # client -> its tickets, in turn order
        self._admitted: list[Ticket] = []  # running now, at most `slots`
        self._loop: asyncio.AbstractEventLoop | None = None
        self.served: list[str] = []  # the order clients were served in, for status and tests

    @property
    def waiting(self) -> int:
        return sum(len(tickets) for tickets in self._waiting.values())

    @property
    def _running(self) -> Ticket | None:
        """The request running first (with one slot, the one running)."""
        return self._admitted[0] if self._admitted else None

    @property
    def running(self) -> int:
        return len(self._admitted)

    @property
    def busy(self) -> bool:
        """Something runs (with one slot, the model is taken)."""
        return bool(self._admitted)

    @property
    def full(self) -> bool:
        """Every slot runs a request: the next one waits."""
        return len(self._admitted) >= self.slots

    def enter(self, client: str) -> Ticket:
        """Take a place, or raise QueueFull at once. Call from the event loop."""
        self._loop = asyncio.get_running_loop()
        ticket = Ticket(self, client, self._loop.create_future())
        if len(self._admitted) < self.slots and not self._waiting:
            self._grant(ticket)
            return ticket
        if self.waiting >= self.max_waiting:
            raise QueueFull(self.model_id, self.retry_after_s)
        self._waiting.setdefault(client, deque()).append(ticket)
        return ticket

    def release(self, ticket: Ticket) -> None:
        """Done (or gave up waiting): pass the model to the next client in turn. Safe from any thread."""
        if self._loop is None:
            return
        try:
            running_loop = asyncio.get_running_loop()
        except RuntimeError:
            running_loop = None
        if running_loop is self._loop:
            self._release(ticket)
        else:
            self._loop.call_soon_threadsafe(self._release, ticket)

    def _release(self, ticket: Ticket) -> None:
        if ticket in self._admitted:
            self._admitted.remove(ticket)
        else:  # left before its turn (the client went away): just drop it
            tickets = self._waiting.get(ticket.client)
            if tickets and ticket in tickets:
                tickets.remove(ticket)
                if not tickets:
                    del self._waiting[ticket.client]
            ticket.granted.cancel()
        self._grant_next()

    def _grant_next(self) -> None:
        while self._waiting and len(self._admitted) < self.slots:
            # In turn, but a client already running in other slots gives way to one that is not.
            running = [t.client for t in self._admitted]
            order = list(self._waiting)
            client = min(order, key=lambda c: (running.count(c), order.index(c)))
            tickets = self._waiting.pop(client)
            ticket = tickets.popleft()
            if tickets:  # the client goes to the back of the line with the rest of its requests
                self._waiting[client] = tickets
            if not ticket.granted.cancelled():
                self._grant(ticket)

    def _grant(self, ticket: Ticket) -> None:
        self._admitted.append(ticket)
        self.served.append(ticket.client)
        ticket.granted.set_result(None)


class Scheduler:
    """One FairQueue per model id, made on first use with as many slots as `slots_for` says the model has."""

    def __init__(self, max_waiting: int, retry_after_s: int = 5, slots_for: Callable[[str], int] = lambda _id: 1):
        self.max_waiting = max_waiting
        self.retry_after_s = retry_after_s
        self.slots_for = slots_for
        self.queues: dict[str, FairQueue] = {}

    def queue(self, model_id: str) -> FairQueue:
        if model_id not in self.queues:
            self.queues[model_id] = FairQueue(model_id, self.max_waiting, self.retry_after_s, self.slots_for(model_id))
        return self.queues[model_id]

    def status(self) -> dict[str, dict[str, int | bool]]:
        return {
            m: {
                "busy": q.busy,
                "full": q.full,
                "running": q.running,
                "slots": q.slots,
                "waiting": q.waiting,
                "limit": q.max_waiting,
            }
            for m, q in self.queues.items()
        }
