"""Plain HTTP and HTTPS side by side, from one app (edgekit serve runs both ports; see edgekit/tls.py).

Plain HTTP keeps serving everything, since a phone that has not installed the box's CA would otherwise meet a
certificate warning it cannot get past, and its owner could not use the box at all. What moves people over:
- /secure on HTTP explains, offers the CA (/ca.crt) and links to the HTTPS address (the login page links there);
- a phone that has reached HTTPS once gets a cookie (`edgekit_https`), and from then on its plain-HTTP page
  requests are redirected to HTTPS: it trusts the CA, or it could not have got the cookie;
- HSTS on HTTPS responses, when HTTPS is on the standard port 443 (a provisioned box): browsers keep it for
  names (edgekit.local), never for IP addresses, and only after a certificate they trust, so it reaches exactly
  the phones that installed the CA. On other ports it is left out: HSTS keeps the port, and would send
  http://box:8080 to https://box:8080, where nothing answers in TLS.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import URL, Headers
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REACHED_COOKIE = "edgekit_https"
HSTS = b"max-age=31536000"
NEVER_REDIRECTED = ("/ca.crt", "/secure", "/healthz")  # what a phone needs to (re)install the CA, and probes


class HttpsUpgrade:
    def __init__(self, app: ASGIApp, state) -> None:
        self.app = app
        self.state = state  # app.state: https_port is set by edgekit serve when it serves HTTPS, else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        port = getattr(self.state, "https_port", None)
        if scope["type"] != "http" or not port:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        reached = REACHED_COOKIE in SimpleCookie(headers.get("cookie", ""))
        if scope.get("scheme") == "https":
            await self.app(scope, receive, self._marking(send, port, reached))
            return
        if reached and scope["method"] in ("GET", "HEAD") and scope["path"] not in NEVER_REDIRECTED:
            await RedirectResponse(https_url(URL(scope=scope), port), status_code=307)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _marking(self, send: Send, port: int, reached: bool) -> Send:
        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = []
                if port == 443:
                    extra.append((b"strict-transport-security", HSTS))
                if not reached:  # not Secure: plain HTTP must see it, to send this phone back here
                    cookie = f"{REACHED_COOKIE}=1; Max-Age=31536000; Path=/; SameSite=Lax; HttpOnly"
                    extra.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return marked


def https_url(url: URL, port: int, path: str | None = None) -> str:
    """The same page on HTTPS: the host the phone typed, the HTTPS port (left out when it is 443)."""
    host = url.hostname or "edgekit.local"
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    netloc = host if port == 443 else f"{host}:{port}"
    target = path if path is not None else url.path
    query = f"?{url.query}" if url.query and path is None else ""
    return f"https://{netloc}{target}{query}"
