"""A test-only fault switch: make a worker crash for real, at the native level, part way through an answer.

Honoured only when EDGEKIT_TEST_FAULTS=1 is set as well, so a stray variable on a box can never crash it.
EDGEKIT_FAULT_<TASK>=abort_after:N | segv_after:N | exit_after:N crashes the <task> model's worker (CHAT, EMBED ...)
once it has produced N pieces of a streamed answer; hang_after:N makes it stop answering without dying (it stops
itself with SIGSTOP, as a process hung in native code looks from outside), for the server's reply deadline.
"""

from __future__ import annotations

import ctypes
import os
import signal

KINDS = ("abort", "segv", "exit", "hang")


def planned_fault(task: str, environ: dict[str, str] | None = None) -> tuple[str, int] | None:
    environ = os.environ if environ is None else environ
    if environ.get("EDGEKIT_TEST_FAULTS") != "1":
        return None
    value = environ.get(f"EDGEKIT_FAULT_{task.upper()}", "")
    kind, _, after = value.partition("_after:")
    if kind not in KINDS or not after.isdigit():
        return None
    return kind, int(after)


def crash(kind: str) -> None:
    """Die the way a native library does: SIGABRT from abort(), SIGSEGV from reading address 0; or hang."""
    if kind == "hang":
        os.kill(os.getpid(), signal.SIGSTOP)  # every thread stops; only SIGKILL (or SIGCONT) ends it
        return
    if kind == "abort":
        os.abort()
    if kind == "segv":
        ctypes.string_at(0)
    os._exit(70)
