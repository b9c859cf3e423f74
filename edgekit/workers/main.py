"""The worker process: `python -m edgekit.workers.main`. It loads one engine and serves the server's calls.

The channel is the process's own stdin and stdout, taken over at once: fd 1 is then pointed at stderr, so what a
native library prints (llama.cpp does) goes to the log and never into the channel. A reader thread reads the
server's messages so that `cancel` arrives while an answer streams; the main thread runs the engine's calls one
at a time, or, for an engine that answers many at once (the batching chat engine, `slots` > 1), each call runs in
a thread of its own.
When the server goes away (its end of the pipe closes), the worker exits at once: no worker outlives its server.
"""

from __future__ import annotations

import dataclasses
import faulthandler
import importlib
import os
import queue
import signal
import sys
import threading
from typing import BinaryIO

from edgekit.workers.faults import crash, planned_fault
from edgekit.workers.process import PROBE
from edgekit.workers.protocol import ChannelClosed, encode_error, receive, send


def take_channel() -> tuple[BinaryIO, BinaryIO]:
    inbox = os.fdopen(os.dup(0), "rb", buffering=0)
    outbox = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)
    sys.stdout = sys.stderr
    return inbox, outbox


def load_engine(engine_path: str, spec, model_dir, settings):
    module_name, _, class_name = engine_path.partition(":")
    engine_class = getattr(importlib.import_module(module_name), class_name)
    engine = engine_class(spec, model_dir, settings)
    engine.load()
    return engine


class Worker:
    def __init__(self, engine, inbox: BinaryIO, outbox: BinaryIO):
        self.engine = engine
        self.inbox = inbox
        self.outbox = outbox
        self.calls: queue.Queue = queue.Queue()
        self.concurrent = getattr(engine, "slots", 1) > 1
        self.cancels: dict[int, threading.Event] = {}  # each running stream's, by request id
        self.send_lock = threading.Lock()
        self.fault = planned_fault(engine.spec.task)

    def read_messages(self) -> None:
        """Reader thread: calls go to the main thread's queue (or a thread each), cancel acts at once."""
        while True:
            try:
                message = receive(self.inbox)
            except ChannelClosed:
                os._exit(0)  # the server is gone: nobody waits for what we would write
            if message[0] == "cancel":
                cancel = self.cancels.get(message[1])
                if cancel is not None:
                    cancel.set()
                continue
            if message[0] == "stream":
                self.cancels[message[1]] = threading.Event()  # before a cancel for it can be read
            if self.concurrent and message[0] != "close":
                threading.Thread(target=self.handle, args=(message,), name="edgekit-worker-call", daemon=True).start()
            else:
                self.calls.put(message)

    def serve(self) -> None:
        threading.Thread(target=self.read_messages, name="edgekit-worker-inbox", daemon=True).start()
        while True:
            message = self.calls.get()
            if message[0] == "close":
                self.engine.unload()
                return
            self.handle(message)

    def handle(self, message: tuple) -> None:
        kind, ident, method, args, kwargs = message
        try:
            if method == PROBE:
                self.reply(("result", ident, True))
            elif kind == "call":
                found = getattr(self.engine, method)  # a method, or a property's value (languages, sample_rate)
                self.reply(("result", ident, found(*args, **kwargs) if callable(found) else found))
            else:
                self.stream(ident, method, args, kwargs)
        except Exception as exc:  # noqa: BLE001  (every error goes back to the caller, the worker goes on)
            self.reply(("error", ident, encode_error(exc)))
        finally:
            self.cancels.pop(ident, None)

    def reply(self, message: tuple) -> None:
        with self.send_lock:
            send(self.outbox, message)

    def stream(self, ident: int, method: str, args: tuple, kwargs: dict) -> None:
        from edgekit.engines.llm_llamacpp import Generation

        cancel = self.cancels.setdefault(ident, threading.Event())
        generation = Generation()
        pieces = getattr(self.engine, method)(*args, cancel=cancel, generation=generation, **kwargs)
        for count, piece in enumerate(pieces, start=1):
            self.reply(("piece", ident, piece))
            if self.fault is not None and count >= self.fault[1]:
                crash(self.fault[0])
        self.reply(("end", ident, dataclasses.asdict(generation)))


def main() -> None:
    inbox, outbox = take_channel()
    faulthandler.enable()  # a native crash leaves the Python stack in the log
    faulthandler.register(signal.SIGUSR1)  # and `kill -USR1 PID` shows where a stuck worker is
    try:
        _load, engine_path, spec, model_dir, settings = receive(inbox)
        engine = load_engine(engine_path, spec, model_dir, settings)
    except ChannelClosed:
        return
    except Exception as exc:  # noqa: BLE001  (a model that cannot load is the caller's error, not a crash)
        send(outbox, ("error", encode_error(exc)))
        return
    send(outbox, ("ready", os.getpid()))
    Worker(engine, inbox, outbox).serve()


if __name__ == "__main__":
    main()
