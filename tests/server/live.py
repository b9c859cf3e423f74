"""A real uvicorn server on loopback, in a thread of the test process, so tests can reach its kit directly."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import uvicorn

from edgekit.kit import Kit
from edgekit.server import create_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(kit: Kit):
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(kit=kit), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
