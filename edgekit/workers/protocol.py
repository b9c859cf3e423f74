"""The messages between the server and an engine's worker process: length-prefixed pickles over a pipe.

Pickle, because both ends are the same installed edgekit and a reply may hold numpy arrays; the worker is a child
the server started itself, never a peer on a network. A frame is a 4-byte big-endian length and the pickled tuple.

Server -> worker: ("load", engine_path, spec, model_dir, settings), ("call", id, method, args, kwargs),
("stream", id, method, args, kwargs), ("cancel", id), ("close",).
Worker -> server: ("ready", pid) or ("error", encoded_error) after a load; then ("result", id, value),
("piece", id, text), ("end", id, generation_fields), ("error", id, encoded_error). The id says which call a reply
answers: several may be in flight at once.
"""

from __future__ import annotations

import pickle
import struct
from typing import BinaryIO

from edgekit.errors import EdgekitError, EngineError

HEADER = struct.Struct(">I")
MAX_FRAME = 256 * 1024 * 1024  # a batch of embeddings is a few MB; anything larger is a broken stream


class ChannelClosed(Exception):
    """The other end is gone (end of file, or a frame cut short)."""


def frame(message: tuple) -> bytes:
    """One message as it goes down the pipe: its length, then its pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def send(stream: BinaryIO, message: tuple) -> None:
    view = memoryview(frame(message))
    while view:  # an unbuffered pipe may take a large frame in parts
        view = view[stream.write(view) :]
    stream.flush()


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise ChannelClosed
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def receive(stream: BinaryIO) -> tuple:
    (size,) = HEADER.unpack(_read_exactly(stream, HEADER.size))
    if size > MAX_FRAME:
        raise ChannelClosed
    return pickle.loads(_read_exactly(stream, size))  # our own child process, see above


def encode_error(exc: BaseException) -> tuple:
    """An error as plain values: exception classes with their own __init__ arguments do not unpickle."""
    if isinstance(exc, EdgekitError):
        return (type(exc).__module__, type(exc).__qualname__, exc.code, exc.message, exc.http_status)
    return ("", "", EngineError.code, f"{type(exc).__name__}: {exc}", EngineError.http_status)


def decode_error(encoded: tuple) -> EdgekitError:
    """The same class when it can be found (callers catch BadInput and the like), else an EdgekitError."""
    import importlib

    module, name, code, message, http_status = encoded
    cls: type = EdgekitError
    try:
        found = getattr(importlib.import_module(module), name) if module else None
        if isinstance(found, type) and issubclass(found, EdgekitError):
            cls = found
    except (ImportError, AttributeError):
        pass
    error = cls.__new__(cls)  # its own __init__ may want other arguments: set the fields directly
    Exception.__init__(error, message)
    error.message, error.code, error.http_status = message, code, http_status
    return error
