"""POST /apps/<id>/api/ask: an app's grounded answer, streamed over SSE to the phone that asked.

Events: `token` (a piece of the answer as it is written), `withdraw` ({"withdraw": n, "text": sentence}: the
n-th sentence, from 0, failed the grounding check; the extractive answer follows in later tokens), then `done`
(the whole answer with its citations and `withdrawn` sentences, the shape `edgekit ask APP --json` prints:
edgekit.answering.GroundedAnswer), or `error` (a stable code and a message). Who may ask is the app's manifest's
`roles`; someone not signed in counts as a guest. A browser signed in by its cookie sends the page's CSRF token
in the X-CSRF-Token header (edgekit.server.csrf); API clients with a bearer token need none.

The answer is the answering service's (edgekit/answering/flow.py); this module only writes it as SSE.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from edgekit.answering import Asked, Token, Withdraw, ask_app
from edgekit.answering.flow import Event
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.server.deps import client_key, get_kit, require_app_access

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}

router = APIRouter()


class AskBody(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    lang: str | None = Field(default=None, max_length=12)


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def sse_of(event: Event) -> str:
    if isinstance(event, Token):
        return sse("token", {"text": event.text})
    if isinstance(event, Withdraw):  # a streamed sentence the passages do not carry: the page strikes it out
        return sse("withdraw", {"withdraw": event.number, "text": event.text})
    return sse("done", event.result.as_dict())


async def sse_stream(asked: Asked) -> AsyncIterator[str]:
    try:
        async for event in asked.events:
            yield sse_of(event)
    except EdgekitError as exc:  # after the first byte, an error can only travel inside the stream
        yield sse("error", exc.as_dict())


@router.post("/apps/{app_id}/api/ask")
async def ask_app_api(app_id: str, body: AskBody, request: Request, kit: Kit = Depends(get_kit)) -> StreamingResponse:
    _manifest, user = require_app_access(request, app_id)
    asked = await ask_app(kit, app_id, body.question, client=client_key(request, user), lang=body.lang, user=user)
    return StreamingResponse(
        sse_stream(asked),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
        background=BackgroundTask(asked.release),
    )
