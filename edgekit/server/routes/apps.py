"""POST /apps/<id>/api/ask: an app's grounded answer, streamed over SSE to the phone that asked.

Events: `token` (a piece of the answer as it is written), `withdraw` ({"withdraw": n, "text": sentence}: the
n-th sentence, from 0, failed the grounding check; the extractive answer follows in later tokens), then `done`
(the whole answer with its citations and `withdrawn` sentences, the shape `edgekit ask APP --json` prints), or
`error` (a stable code and a message). Who may ask is the app's manifest's `roles`; someone not signed in counts
as a guest. A browser signed in by its cookie sends the page's CSRF token in the X-CSRF-Token header
(edgekit.server.csrf); API clients with a bearer token need none.
"""

# No `from __future__ import annotations`: FastAPI must see the request model defined inside the hook.

import json

from edgekit.hookspecs import hookimpl

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@hookimpl
def register_routes(router):
    import asyncio

    from fastapi import Depends, Request
    from fastapi.responses import StreamingResponse
    from pydantic import BaseModel, Field
    from starlette.background import BackgroundTask

    from edgekit.errors import EdgekitError
    from edgekit.grounded import answer_question, busy_with_guard, guard_lead, needs_model_turn, screen_question
    from edgekit.kit import Kit
    from edgekit.scheduler import QueueFull
    from edgekit.server.deps import client_key, get_kit, require_app_access
    from edgekit.server.streaming import stream_in_turn

    class AskBody(BaseModel):
        question: str = Field(min_length=1, max_length=2000)
        lang: str | None = Field(default=None, max_length=12)

    def answered_now(lead: list[str], result) -> StreamingResponse:
        """The guard's lead and the whole answer at once: nothing waits for a model."""
        events = [*lead, sse("done", result.as_dict())]
        return StreamingResponse(iter(events), media_type="text/event-stream", headers=SSE_HEADERS)

    def answered_without_turn(lead: list[str], kit: Kit, app_id: str, body, user_id, screened) -> StreamingResponse:
        """The guard's lead at once, then an answer that takes no model turn (the documents alone), worked out in
        a worker thread: it neither waits in the chat model's queue nor counts against it."""

        async def events():
            for event in lead:
                yield event
            pieces: list[str] = []
            try:
                result = await asyncio.to_thread(
                    answer_question,
                    kit,
                    app_id,
                    body.question,
                    lang=body.lang,
                    on_text=pieces.append,
                    user_id=user_id,
                    screened=screened,
                )
            except EdgekitError as exc:
                yield sse("error", exc.as_dict())
                return
            for piece in pieces:
                yield sse("token", {"text": piece})
            yield sse("done", result.as_dict())

        return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)

    @router.post("/apps/{app_id}/api/ask")
    async def ask_app(app_id: str, body: AskBody, request: Request, kit: Kit = Depends(get_kit)):
        _manifest, user = require_app_access(request, app_id)
        client = client_key(request, user)
        # The guard runs before the question queues for the chat model: a referral is sent at once, and a
        # full queue cannot hide it.
        screened = screen_question(kit, app_id, body.question, body.lang)
        lead = [sse("token", {"text": guard_lead(screened.guarded)})] if screened.guarded else []
        user_id = user.id if user else None  # a signed-in person's past conversations; a guest's: no one's
        if screened.guarded is not None and screened.guarded.final:  # the whole answer: no model, no queue
            result = await asyncio.to_thread(
                answer_question, kit, app_id, body.question, lang=body.lang, user_id=user_id, screened=screened
            )
            return answered_now(lead, result)
        if not needs_model_turn(kit, screened):
            return answered_without_turn(lead, kit, app_id, body, user_id, screened)
        try:
            ticket = kit.scheduler.queue(kit.manager.model_for("chat")).enter(client)
        except QueueFull:
            if screened.guarded is None:
                raise
            return answered_now(lead, busy_with_guard(app_id, screened, body.lang))

        def run(cancel, emit):
            result = answer_question(
                kit,
                app_id,
                body.question,
                lang=body.lang,
                on_text=lambda piece: emit(sse("token", {"text": piece})),
                # A streamed sentence the passages do not carry: the page strikes it out.
                on_withdraw=lambda number, sentence: emit(sse("withdraw", {"withdraw": number, "text": sentence})),
                user_id=user_id,
                screened=screened,
            )
            emit(sse("done", result.as_dict()))

        answer_events, release_unless_handed_over = stream_in_turn(ticket, run)

        async def events():
            for event in lead:
                yield event
            try:
                async for event in answer_events:
                    yield event
            except EdgekitError as exc:
                yield sse("error", exc.as_dict())

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers=SSE_HEADERS,
            background=BackgroundTask(release_unless_handed_over),
        )
