"""One generation at the chat model for /v1, in its turn, streamed or whole, in OpenAI's shapes.

What loading would refuse (switched off, kept off by the power profile, not installed, damaged, too large) is
refused before the question queues, as a plain error response: once a stream has started, a status code can no
longer be sent. A guard's words (plain chat's guard step) come first, before the turn, and a full queue cannot
hide them.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from edgekit.answering.messages import BUSY_AFTER_GUARD, message_language
from edgekit.answering.stream import join_text, watch_disconnect
from edgekit.answering.turn import held_turn, stream_in_turn, take_place
from edgekit.engines.llm_llamacpp import Generation
from edgekit.errors import ChatDisabled, EdgekitError
from edgekit.guards import joined
from edgekit.kit import Kit
from edgekit.scheduler import QueueFull
from edgekit.server.routes.v1.shapes import Completion, Delta, Kind, chunk_line, usage_of, whole

# produce(llm, cancel, generation) yields the text as the model writes it
Produce = Callable[[Any, threading.Event, Generation], Iterator[str]]
# finished(text, generation, energy): the generation ran to its end (plain chat keeps the exchange)
Finished = Callable[[str, Generation, Any], None]
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@dataclass(frozen=True)
class Job:
    kind: Kind
    model_id: str
    produce: Produce
    stream: bool
    include_usage: bool = False
    lead: str = ""  # a guard's opening words (plain chat), sent before the model's
    lang: str | None = None
    finished: Finished | None = None


@dataclass(frozen=True)
class Ids:
    completion_id: str
    created: int

    @staticmethod
    def new(kind: Kind) -> Ids:
        return Ids(f"{'chatcmpl' if kind == 'chat' else 'cmpl'}-{uuid.uuid4().hex[:24]}", int(time.time()))


def check_model_work(kit: Kit, model_id: str) -> None:
    """Refuse now what loading would refuse. A chat model switched off is neither loaded nor queued for."""
    if not kit.settings.chat_enabled:
        raise ChatDisabled()
    kit.power.check_model_work("chat")  # a power profile that keeps it off, or a box shutting down: 503 now
    kit.manager.check_loadable(model_id, "Chat model")


async def run_generation(request: Request, kit: Kit, client: str, job: Job) -> Completion | StreamingResponse:
    """Queue, then stream or collect one generation."""
    check_model_work(kit, job.model_id)
    ids = Ids.new(job.kind)
    try:
        ticket = take_place(kit, job.model_id, client)  # QueueFull -> 429 before anything starts
    except QueueFull:
        if not job.lead:
            raise
        # A guard spoke: its words go out with a note that the rest must wait, instead of an error hiding them.
        busy = joined(job.lead, BUSY_AFTER_GUARD[message_language(job.lang)])
        return _as_response(job, ids, busy, Generation())
    generation = Generation()

    def tokens(cancel: threading.Event) -> Iterator[str]:
        meter = kit.power.meter()  # what this generation costs (edgekit/power/energy.py)
        try:
            with kit.manager.acquire_model(job.model_id, "Chat model") as llm:
                yield from job.produce(llm, cancel, generation)
            if job.finished is not None and not cancel.is_set():
                text = joined(job.lead, generation.text) if job.lead else generation.text
                job.finished(text, generation, meter.stop())
        finally:
            meter.stop()

    if not job.stream:
        async with held_turn(ticket):
            cancel = threading.Event()
            watcher = asyncio.create_task(watch_disconnect(request.is_disconnected, cancel))
            try:
                text = await asyncio.to_thread(lambda: "".join(tokens(cancel)))
            finally:
                cancel.set()
                watcher.cancel()
        return whole(
            job.kind,
            ids.completion_id,
            ids.created,
            job.model_id,
            joined(job.lead, text) if job.lead else text,
            _finish_reason(generation),
            usage_of(generation.prompt_tokens, generation.tokens),
        )

    def line(piece: str) -> str:
        return chunk_line(
            job.kind, ids.completion_id, ids.created, job.model_id, delta=Delta(content=piece), text=piece
        )

    def run(cancel: threading.Event, emit: Callable[[str], None]) -> None:
        for piece in tokens(cancel):
            emit(piece)

    opening = _opening(job, ids)
    pieces, release_unless_handed_over = stream_in_turn(
        ticket, run, line, opening=None if job.lead else opening, join=join_text
    )
    # With a guard's lead, the opening and the lead go out at once, before the turn.
    early = [opening, line(job.lead + "\n\n")] if job.lead else []
    return StreamingResponse(
        _events(job, ids, generation, early, pieces),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
        # The background task also runs when the client left before the stream was ever started.
        background=BackgroundTask(release_unless_handed_over),
    )


def answered_without_model(job: Job, text: str) -> Completion | StreamingResponse:
    """A guard's whole answer, in the shape the client asked for: no model, no turn."""
    return _as_response(job, Ids.new(job.kind), text, Generation())


def _as_response(job: Job, ids: Ids, text: str, generation: Generation) -> Completion | StreamingResponse:
    if not job.stream:
        return whole(job.kind, ids.completion_id, ids.created, job.model_id, text, "stop", usage_of(0, 0))
    line = chunk_line(job.kind, ids.completion_id, ids.created, job.model_id, delta=Delta(content=text), text=text)

    async def nothing_more() -> AsyncIterator[str]:
        return
        yield  # an async generator with no items

    events = _events(
        job, ids, generation, [*([_opening(job, ids)] if job.kind == "chat" else []), line], nothing_more()
    )
    return StreamingResponse(events, media_type="text/event-stream", headers=SSE_HEADERS)


def _opening(job: Job, ids: Ids) -> str | None:
    if job.kind != "chat":
        return None
    return chunk_line(job.kind, ids.completion_id, ids.created, job.model_id, delta=Delta(role="assistant", content=""))


def _finish_reason(generation: Generation) -> str:
    return "length" if generation.finish_reason == "length" else "stop"


async def _events(
    job: Job, ids: Ids, generation: Generation, early: list[str | None], pieces: AsyncIterator[str]
) -> AsyncIterator[str]:
    for line in early:
        if line is not None:
            yield line
    try:
        async for event in pieces:
            yield event
    except EdgekitError as exc:  # after the first byte, an error can only travel inside the stream
        yield f"data: {_error_json(exc)}\n\n"
        yield "data: [DONE]\n\n"
        return
    yield chunk_line(job.kind, ids.completion_id, ids.created, job.model_id, finish=_finish_reason(generation))
    if job.include_usage:
        usage = usage_of(generation.prompt_tokens, generation.tokens)
        yield chunk_line(job.kind, ids.completion_id, ids.created, job.model_id, usage=usage, choices=False)
    yield "data: [DONE]\n\n"


def _error_json(exc: EdgekitError) -> str:
    import json

    return json.dumps({"error": {**exc.as_dict(), "type": "server_error"}})
