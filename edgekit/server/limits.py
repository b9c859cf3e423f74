"""A ceiling on request bodies, applied before any route reads one, and a limit on how long a body may pause.

Without the ceiling a phone on the Wi-Fi could send hundreds of megabytes that the server would read (or spool
to disk) before it even checked who was asking. The ceiling is the upload limit plus room for form fields. A
body with a Content-Length over it is refused unread; a chunked one is counted as it arrives and refused (413)
the moment it passes the ceiling. Either way the answer is the documented error shape, and uvicorn drops the
rest of the body unread before it closes the connection.

Without the pause limit a client that promises 1,000 bytes and sends 10 holds a connection and a request task
forever. While the body is still coming, each wait for its next piece is bounded; past that, 408 and close.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edgekit.errors import EdgekitError
from edgekit.server.errors import error_response


class BodyTooLarge(EdgekitError):
    code = "upload_too_large"
    http_status = 413

    def __init__(self, max_bytes: int):
        super().__init__(f"The request is larger than {max_bytes / (1024 * 1024):.0f} MB and was not read.")


class BodyTimeout(EdgekitError):
    code = "request_timeout"
    http_status = 408
    close_connection = True  # the client stopped sending: nothing more will come on this connection

    def __init__(self, timeout_s: float):
        super().__init__(f"The request body stopped arriving for {timeout_s:g} s; send it again.")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, timeout_s: float = 30.0):
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._answer(scope, receive, send, BodyTooLarge(self.max_bytes))
            return
        seen = 0
        body_done = False
        failure: EdgekitError | None = None
        started = False

        async def limited_receive() -> Message:
            nonlocal seen, body_done, failure
            if failure is not None:
                raise failure
            if body_done:  # after the body, receive() only waits for a disconnect: no limit on that wait
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout_s)
            except TimeoutError:
                failure = BodyTimeout(self.timeout_s)
                raise failure from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:  # a body sent without a length (chunked): stop reading it
                    failure = BodyTooLarge(self.max_bytes)
                    raise failure
                body_done = not message.get("more_body", False)
            else:
                body_done = True
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                if failure is not None and message["status"] != failure.http_status:
                    raise failure  # the route answered something else once the body failed: our answer instead
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except (BodyTooLarge, BodyTimeout) as caught:
            if started:
                raise
            await self._answer(scope, receive, send, caught)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, error: EdgekitError) -> None:
        headers = {"Connection": "close"} if getattr(error, "close_connection", False) else None
        response = error_response(Request(scope), error.http_status, error.code, error.message, headers)
        await response(scope, receive, send)
