"""The server's end of one worker process: start it, call it, stream from it, notice when it dies, stop it.

Started with subprocess.Popen (never fork: the server has threads), in a session of its own so a Ctrl-C meant for
the server does not reach it first. Calls and streams carry an id, so several may be in flight at once (the
batching chat worker answers many together): one reader thread hands each reply to the caller waiting for its id.
When the worker dies, every call in flight raises EngineCrashed with the reason (the signal that killed it); the
worker's pid is kept for the RAM budget, which counts what the worker really holds.
A worker that stops answering without dying (hung in native code, stopped) would leave its callers waiting for
ever: every reply has a deadline (`reply_timeout_s`, EDGEKIT_WORKER_REPLY_TIMEOUT_S: a load, a call's result, each
piece of a stream), after which the worker is killed: that caller gets EngineTimeout (engine_timeout), the others
in flight EngineCrashed, and the next request starts a fresh worker. Writing to it has the same deadline: a hung
worker reads nothing, and a request larger than the pipe holds (speech, a batch of texts) would block for ever.
Silence is the worker's, not one request's: the batching chat worker may keep a request waiting for room while it
writes other answers, so a caller times out only when the whole worker has sent nothing for the deadline.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

from edgekit.errors import EngineCrashed, EngineTimeout
from edgekit.workers.protocol import ChannelClosed, decode_error, frame, receive

log = logging.getLogger("edgekit.workers")

CLOSE_WAIT_S = 2.0  # a worker asked to close gets this long before it is killed
CANCEL_POLL_S = 0.05  # how often a stream waiting for the worker looks at its cancel event
PROBE = "__probe__"  # the no-op call every worker answers
REPLY_TIMEOUT_S = 180.0  # the default deadline for a worker's next reply (Settings.worker_reply_timeout_s)


def write_within(pipe, data: bytes, timeout_s: float) -> None:
    """All of `data` into a non-blocking pipe, or TimeoutError once `timeout_s` pass in which the reader takes none
    of it (a worker reading slowly is not hung; one that reads nothing is)."""
    fd = pipe.fileno()
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    view = memoryview(data)
    while view:
        if not poller.poll(timeout_s * 1000):
            raise TimeoutError
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:  # another writer filled the pipe first
            continue


def exit_reason(returncode: int | None) -> str:
    if returncode is None:
        return "stopped answering"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "unknown signal"
        if -returncode == signal.SIGKILL:
            name += ": out of memory, or killed from outside"
        return f"killed by signal {-returncode} ({name})"
    return f"exited with status {returncode}"


class WorkerProcess:
    def __init__(self, label: str, reply_timeout_s: float = REPLY_TIMEOUT_S):
        self.label = label  # the model id, for messages
        self.reply_timeout_s = reply_timeout_s
        self.proc: subprocess.Popen | None = None
        self.crash_reason: str | None = None  # set once, when the worker died under us
        self._waiting: dict[int, queue.SimpleQueue] = {}  # request id -> where its replies go
        self._ids = itertools.count(1)
        self._send_lock = threading.Lock()
        self._crash_lock = threading.Lock()
        self._broken = False  # the reply reader met the end of the channel
        self._last_heard = time.monotonic()  # the worker's last reply to anyone: it is alive while it writes

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def start(self, engine_path: str, spec, model_dir: Path, settings) -> None:
        """Start the worker and have it load the engine; the engine's own load errors are raised as they are."""
        self.crash_reason = None
        self._broken = False
        self._last_heard = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "edgekit.workers.main"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            start_new_session=True,
        )
        os.set_blocking(self.proc.stdin.fileno(), False)  # writes wait with a deadline (write_within), never for ever
        self._send(("load", engine_path, spec, model_dir, settings), "loading the model")
        reply = self._receive("loading the model")
        if reply[0] == "error":
            self.stop()
            raise decode_error(reply[1])
        threading.Thread(
            target=self._read_replies, args=(self.proc,), name="edgekit-worker-replies", daemon=True
        ).start()

    def alive(self) -> bool:
        return self.proc is not None and self.crash_reason is None and not self._broken and self.proc.poll() is None

    def dead_reason(self) -> str | None:
        """Why the worker died, if it did (also while idle: the OOM killer does not wait for a request)."""
        if self.crash_reason is None and (self._broken or self._exiting()):
            self._crashed()  # wait for the reason: a worker with a large KV cache takes a while to go
        if self.crash_reason is None and self.proc is not None and self.proc.poll() is not None:
            self.crash_reason = exit_reason(self.proc.returncode)
            log.error("The worker for %s %s", self.label, self.crash_reason)
        return self.crash_reason

    def probe(self) -> None:
        """An idle worker answers a no-op call, or is found dead: one killed a moment ago still has its channel
        open while the kernel frees its memory, and the next request must not be the one that finds out."""
        if self.alive() and not self._waiting:
            with contextlib.suppress(EngineCrashed):
                self.call(PROBE)

    def _exiting(self) -> bool:
        """Killed but not yet gone: its main thread is a zombie while the kernel frees its memory."""
        try:
            return self.proc is not None and psutil.Process(self.proc.pid).status() == psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    def resident_mb(self) -> float | None:
        """The worker's resident memory: what the model really holds, its interpreter included."""
        proc = self.proc
        if proc is None:
            return None
        try:
            return psutil.Process(proc.pid).memory_info().rss / 1e6
        except psutil.Error:
            return None

    def call(self, method: str, *args, **kwargs):
        self._require()
        ident, replies = self._open()
        try:
            self._send(("call", ident, method, args, kwargs), method)
            asked = time.monotonic()
            while (reply := self._next(replies, CANCEL_POLL_S * 10)) is None:
                if self._silent_since(asked):
                    raise self._timed_out(method)
        finally:
            self._waiting.pop(ident, None)
        if reply[0] == "error":
            raise decode_error(reply[2])
        return reply[2]

    def stream(self, method: str, args: tuple, kwargs: dict, cancel: threading.Event | None) -> Iterator:
        """Yield ("piece", text) messages, then ("end", fields). Setting `cancel` (or closing the iterator) sends
        the worker a cancel and returns at once, within CANCEL_POLL_S, without waiting for the worker's current
        token; what the worker still sends for this id is dropped."""
        self._require()
        ident, replies = self._open()
        finished = False
        try:
            self._send(("stream", ident, method, args, kwargs), method)
            last_reply = time.monotonic()
            while True:
                if cancel is not None and cancel.is_set():
                    return
                reply = self._next(replies, CANCEL_POLL_S)
                if reply is None:
                    if self._silent_since(last_reply):
                        raise self._timed_out(method)
                    continue
                kind, _ident, value = reply
                if kind == "error":
                    finished = True
                    raise decode_error(value)
                finished = kind == "end"
                yield kind, value
                if finished:
                    return
                last_reply = time.monotonic()  # from here: a slow reader of the stream is not a hung worker
        finally:
            self._waiting.pop(ident, None)
            if not finished and self.alive():
                with contextlib.suppress(EngineCrashed):
                    self._send(("cancel", ident), "a cancel")

    def _silent_since(self, waiting_since: float) -> bool:
        """Whether the worker has sent nothing, to this caller or any other, for the deadline."""
        return time.monotonic() - max(waiting_since, self._last_heard) > self.reply_timeout_s

    def _open(self) -> tuple[int, queue.SimpleQueue]:
        ident, replies = next(self._ids), queue.SimpleQueue()
        self._waiting[ident] = replies
        return ident, replies

    def _next(self, replies: queue.SimpleQueue, timeout: float | None) -> tuple | None:
        try:
            reply = replies.get(timeout=timeout)
        except queue.Empty:
            return None
        if reply is _DIED:
            raise self._crashed()
        return reply

    def _read_replies(self, proc: subprocess.Popen) -> None:
        """Reader thread: each reply to the caller waiting for its id; when the channel breaks, to all of them."""
        while True:
            try:
                reply = receive(proc.stdout)
            except (ChannelClosed, OSError, ValueError):
                break
            self._last_heard = time.monotonic()
            replies = self._waiting.get(reply[1])
            if replies is not None:  # else a stream its caller left: nobody wants the rest
                replies.put(reply)
        if self.proc is proc:  # not stopped on purpose: the worker died
            self._broken = True
            self._crashed()
            for replies in list(self._waiting.values()):
                replies.put(_DIED)

    def stop(self) -> None:
        """Close the worker (its memory goes back to the system with it), killing it if it does not go."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            try:
                with self._send_lock:  # a hung worker takes nothing: TimeoutError, an OSError, kills it
                    write_within(proc.stdin, frame(("close",)), CLOSE_WAIT_S)
                proc.wait(CLOSE_WAIT_S)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()

    # --- the channel, turning a dead worker into EngineCrashed -----------------------------------------
    def _require(self) -> None:
        if not self.alive():
            raise self._crashed()

    def _send(self, message: tuple, what: str) -> None:
        try:
            with self._send_lock:
                write_within(self.proc.stdin, frame(message), self.reply_timeout_s)
        except TimeoutError:
            raise self._timed_out(what, "the request not taken") from None
        except (OSError, ValueError, AttributeError) as exc:  # a broken pipe: the worker is gone
            raise self._crashed() from exc

    def _receive(self, what: str) -> tuple:
        """The reply to the load, read here before the reply reader starts, within the deadline."""
        try:
            ready, _, _ = select.select([self.proc.stdout], [], [], self.reply_timeout_s)
            if not ready:
                raise self._timed_out(what)
            return receive(self.proc.stdout)
        except (ChannelClosed, OSError, ValueError) as exc:
            raise self._crashed() from exc

    def _timed_out(self, what: str, silence: str = "no reply") -> EngineTimeout:
        """No reply (or no byte of a request taken) within the deadline: the worker is hung. Kill it (its callers
        in flight then hear it crashed, with this reason) and tell this caller it timed out."""
        with self._crash_lock:
            if self.crash_reason is None:
                self.crash_reason = (
                    f"stopped answering ({what}: {silence} in {self.reply_timeout_s:g} s) and was killed"
                )
                log.error("The worker for %s %s", self.label, self.crash_reason)
            proc = self.proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(OSError):
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(CLOSE_WAIT_S)
        return EngineTimeout(
            f"The {self.label} model's worker process {self.crash_reason}. Nothing else was affected: ask again "
            f"and a fresh worker starts."
        )

    def _crashed(self) -> EngineCrashed:
        with self._crash_lock:
            if self.crash_reason is None:
                returncode = None
                if self.proc is not None:
                    try:
                        returncode = self.proc.wait(CLOSE_WAIT_S)
                    except subprocess.TimeoutExpired:
                        self.proc.kill()  # its channel is broken: it cannot serve again
                self.crash_reason = exit_reason(returncode)
                log.error("The worker for %s %s", self.label, self.crash_reason)
        return EngineCrashed(
            f"The {self.label} model's worker process {self.crash_reason}. Nothing else was affected: ask again "
            f"and a fresh worker starts."
        )


_DIED = object()  # put on every waiting caller's queue when the worker's channel breaks
