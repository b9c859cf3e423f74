"""Embeddings for knowledge: float32 vectors in and out of SQLite, and the embedding model when there is one.

A box without the embedding model still indexes and searches (BM25 alone): the model is a quality upgrade, not a
requirement, so its absence is a warning here, never a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import numpy as np

from edgekit.engines import Engine
from edgekit.errors import EdgekitError
from edgekit.kit import Kit

log = logging.getLogger(__name__)
DIMENSIONS = 384
BATCH = 32  # texts per call: the engine batches again inside by token count, this is for progress steps

Embed = Callable[[list[str]], np.ndarray]


@contextmanager
def embedder(kit: Kit) -> Iterator[Engine | None]:
    """The embedding engine, held for the length of the block, or None (with a warning) when it is out of reach."""
    with ExitStack() as stack:
        try:
            engine = stack.enter_context(kit.manager.acquire("embed"))
        except EdgekitError as exc:
            if exc.code not in UNAVAILABLE:
                raise
            log.warning("Knowledge by keywords only (no embeddings): %s", exc.message)
            engine = None
        yield engine


# Why an embedding model may be out of reach on a working box: the search goes on without it.
UNAVAILABLE = frozenset(
    {
        "model_not_installed",
        "model_unverified",
        "checksum_mismatch",
        "engine_unavailable",
        "engine_failed",
        "model_too_large",
    }
)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(blobs: list[bytes]) -> np.ndarray:
    if not blobs:
        return np.empty((0, DIMENSIONS), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)


def reads_language(engine: Engine, lang: str | None) -> bool:
    """Whether the model was trained on this language (unknown counts as yes). all-MiniLM reads English only and
    gives unrelated Swahili texts cosines as high as related English ones: its vectors would be noise there."""
    languages = engine.spec.languages
    return lang is None or not languages or lang.split("-")[0] in languages
