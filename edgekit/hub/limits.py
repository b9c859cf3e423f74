"""What the hub's open doors take: a size limit read while the body streams in, and a throttle on enrolment.

The boxes' API has no passwords (envelopes are signed instead), so anyone who reaches it can knock: a body is
refused at its declared length or at the byte that passes the limit, never after being held whole in memory, and
enrolment requests (which write a pending row a person must read) are limited per client address.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque

from starlette.requests import Request

from edgekit.errors import EdgekitError
from edgekit.sync.envelope import MAX_ENVELOPE_BYTES

ENROL_REQUESTS = 10  # per address and window: a technician retrying a few times is never stopped
ENROL_WINDOW_S = 600.0


class TooLarge(EdgekitError):
    code = "sync_too_large"
    http_status = 413


class EnrolThrottled(EdgekitError):
    code = "enrol_throttled"
    http_status = 429

    def __init__(self, message: str, retry_after_s: int):
        super().__init__(message)
        self.retry_after_s = retry_after_s


async def read_envelope(request: Request, limit: int | None = None) -> dict:
    """The request's JSON body, counted as it streams: 413 (sync_too_large) past LIMIT bytes."""
    limit = limit or MAX_ENVELOPE_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"The batch is {int(declared)} bytes; the hub takes up to {limit}: send smaller batches.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"The batch is over {limit} bytes, the most the hub takes: send smaller batches.")
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except ValueError:
        raise EdgekitError("The body is not JSON.", code="sync_malformed") from None


class EnrolThrottle:
    """At most ENROL_REQUESTS enrolment requests per client address in ENROL_WINDOW_S (a sliding window, in
    memory: a restart forgets it, which only ever lets a knocker in sooner). Behind the district's reverse proxy
    every request comes from the proxy's address unless the server trusts its forwarded headers (docs/hub.md)."""

    def __init__(self, requests: int = ENROL_REQUESTS, window_s: float = ENROL_WINDOW_S, clock=time.monotonic):
        self.requests, self.window_s, self.clock = requests, window_s, clock
        self.seen: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def check(self, address: str) -> None:
        now = self.clock()
        with self.lock:
            for known in [a for a, times in self.seen.items() if times and times[-1] <= now - self.window_s]:
                del self.seen[known]  # forget quiet addresses: the table stays as small as the knocking
            times = self.seen.setdefault(address, deque())
            while times and times[0] <= now - self.window_s:
                times.popleft()
            if len(times) >= self.requests:
                wait = max(1, math.ceil(times[0] + self.window_s - now))
                raise EnrolThrottled(
                    f"Too many enrolment requests from {address}: try again in {wait} s.", retry_after_s=wait
                )
            times.append(now)
