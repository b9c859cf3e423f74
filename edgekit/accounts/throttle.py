"""How fast anyone may guess PINs: per name (known or unknown alike) and per network address, in memory.

Two limits, both for clients on the network; the box itself (loopback) is exempt, so a technician at the console
always gets in while the Wi-Fi is being attacked:
- per name: once a name has had k wrong tries in a row, its next try must come at least
  min(login_delay_s * 2**(k-1), login_name_wait_max_s) after the previous one. A slow-down, never a lock: the
  wait is short at first and capped, and anyone with the right PIN who waits gets in. This is the limit that holds
  however many addresses an attacker uses.
- per address: at most login_max_failures wrong tries within login_lockout_s (a sliding window); then that
  address waits until its oldest wrong try leaves the window. This limit only ever shuts out the guesser's phone.

Tries are counted when they are let in, before the PIN is checked (and given back on success), so forty parallel
guesses cannot all slip in under the same count. Names are keyed as typed after normalising, whether or not an
account exists: the answers and their timing say nothing about which names are real.

Memory is bounded: past `capacity` entries per table, quiet entries go first, then the ones with the fewest wrong
tries, so spraying random names cannot push a name under attack out of the table and reset its wait.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

ANSWER_DELAY_MAX_S = 8.0  # the wait before a wrong answer: enough to slow a script, short for a person's typo
FORGET_AFTER_S = 24 * 3600  # a name quiet for a day starts afresh


def is_loopback(host: str | None) -> bool:
    """The box itself: 127.0.0.0/8, ::1, an IPv4-mapped loopback, or an in-process caller (no address)."""
    if host is None:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass
class _Streak:
    failures: int = 0
    last_try: float = 0.0


@dataclass
class Verdict:
    """Whether a try may go ahead; if not, how long to wait. `failures` is the name's streak counting this try."""

    allowed: bool
    wait_s: float = 0.0
    failures: int = 0


@dataclass
class LoginThrottle:
    delay_s: float
    name_wait_max_s: float
    address_max_failures: int
    address_window_s: float
    capacity: int = 4096
    clock: Callable[[], float] = time.monotonic
    _names: dict[str, _Streak] = field(default_factory=dict, init=False, repr=False)
    _addresses: dict[str, deque[float]] = field(default_factory=dict, init=False, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def name_wait(self, failures: int) -> float:
        return 0.0 if failures <= 0 else min(self.delay_s * 2 ** (failures - 1), self.name_wait_max_s)

    def answer_delay(self, failures: int) -> float:
        """How long a wrong answer is held back: the name's wait, up to 8 s. A person typing again after it is
        never refused while the wait is that short; a script firing in parallel is."""
        return min(self.name_wait(failures), ANSWER_DELAY_MAX_S)

    def admit(self, name: str, address: str | None) -> Verdict:
        """Let one try in, counting it as wrong until `succeeded` says otherwise; or say how long to wait."""
        local = is_loopback(address)
        key = ("local:" if local else "net:") + name  # the box's own tries neither suffer nor cause waits
        with self._guard:
            now = self.clock()
            streak = self._names.get(key)
            if streak is not None and now - streak.last_try > FORGET_AFTER_S:
                streak = None
            if not local:
                assert address is not None  # only the box itself (loopback, or in process) has none
                waits = []
                if streak is not None:
                    waits.append(streak.last_try + self.name_wait(streak.failures) - now)
                window = self._window(address, now)
                if len(window) >= self.address_max_failures:
                    waits.append(window[0] + self.address_window_s - now)
                wait = max(waits, default=0.0)
                if wait > 0:
                    return Verdict(False, wait_s=wait, failures=streak.failures if streak else 0)
                window.append(now)
                self._addresses[address] = window
                self._bound(self._addresses, lambda w: (len(w), w[-1] if w else 0.0), now)
            streak = streak or _Streak()
            streak.failures += 1
            streak.last_try = now
            self._names[key] = streak
            self._bound(self._names, lambda s: (s.failures, s.last_try), now)
            return Verdict(True, failures=streak.failures)

    def succeeded(self, name: str, address: str | None) -> None:
        """The PIN was right: the name's streak ends and the address gets its try back."""
        with self._guard:
            for key in ("local:" + name, "net:" + name):
                self._names.pop(key, None)
            if address is not None and not is_loopback(address) and (window := self._addresses.get(address)):
                window.pop()

    def forgive(self, name: str) -> None:
        """A technician unlocked the account: its name may try again at once."""
        with self._guard:
            self._names.pop("net:" + name, None)
            self._names.pop("local:" + name, None)

    def network_wait(self, name: str) -> float:
        """How long a phone must wait before trying this name (0 when it may try now), for the technician's page."""
        with self._guard:
            streak = self._names.get("net:" + name)
            if streak is None:
                return 0.0
            return max(0.0, streak.last_try + self.name_wait(streak.failures) - self.clock())

    def _window(self, address: str, now: float) -> deque[float]:
        window = self._addresses.get(address) or deque()
        while window and window[0] <= now - self.address_window_s:
            window.popleft()
        return window

    def _bound(self, table: dict, weight: Callable, now: float) -> None:
        if len(table) <= self.capacity:
            return
        # Quiet entries first (their waits are over and nothing hangs on them), else the lightest.
        for key in [k for k, v in table.items() if self._quiet(v, now)]:
            del table[key]
        while len(table) > self.capacity:
            del table[min(table, key=lambda k: weight(table[k]))]

    def _quiet(self, entry: _Streak | deque, now: float) -> bool:
        if isinstance(entry, _Streak):
            return now - entry.last_try > FORGET_AFTER_S
        return not entry or entry[-1] <= now - self.address_window_s
