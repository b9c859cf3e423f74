"""A ceiling on request bodies, applied before any route reads one.

Without it a phone on the Wi-Fi could send hundreds of megabytes that the server would read (or spool to disk)
before it even checked who was asking. The ceiling is the upload limit plus room for form fields.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from edgekit.server.errors import error_response


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:  # a body sent without a length: stop reading it
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted_receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit_mb = self.max_bytes / (1024 * 1024)
        response = error_response(
            Request(scope), 413, "upload_too_large", f"The request is larger than {limit_mb:.0f} MB and was not read."
        )
        await response(scope, receive, send)
