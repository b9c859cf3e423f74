"""Cross-site request forgery protection for browsers: a signed double-submit token tied to the session.

A browser gets a random `edgekit_csrf` cookie (HttpOnly, SameSite=Strict); each page carries
HMAC(box secret, cookie | session) in its forms (`csrf_token`) and for its script (the `X-CSRF-Token` header).
A page of another site can make the phone send the cookies, but cannot read the page to learn the token.

Checked on every unsafe request (POST ...) that a browser could be tricked into sending with authority:
- any request whose session cookie signs someone in (JSON included: the app API called from the page);
- any HTML form post (urlencoded or multipart) outside /v1, signed in or not: signing a guest in to someone
  else's account is an attack too (login CSRF).
API clients with a bearer token carry no ambient authority and are never asked, nor are anonymous /v1 calls.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from starlette.requests import Request

from edgekit.errors import EdgekitError

CSRF_COOKIE = "edgekit_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SECRET_FILE = "ui_secret"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfFailed(EdgekitError):
    code = "csrf_failed"
    http_status = 403


def box_secret(home: Path) -> bytes:
    """The box's signing key, made once and kept in EDGEKIT_HOME (mode 600), so tokens outlive a restart."""
    from edgekit.errors import DataDirError

    try:
        return _read_or_make_secret(home)
    except OSError as exc:
        raise DataDirError.unwritable(home, exc.strerror or str(exc)) from exc


def _read_or_make_secret(home: Path) -> bytes:
    path = home / SECRET_FILE
    try:
        secret = path.read_bytes()
        if len(secret) >= 32:
            return secret
    except FileNotFoundError:
        pass
    home.mkdir(parents=True, exist_ok=True)
    temporary = home / f".{SECRET_FILE}.{os.getpid()}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(secrets.token_bytes(32))
    try:
        os.link(temporary, path)  # first writer wins: two processes starting together agree on one secret
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_bytes()


def browser_nonce(request: Request) -> str:
    """This browser's CSRF cookie, or a new one that the page being rendered will set."""
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_nonce", None)
    if not nonce:
        nonce = secrets.token_urlsafe(24)
        request.state.new_csrf_nonce = nonce
    return nonce


def _session_part(request: Request) -> str:
    from edgekit.server.deps import SESSION_COOKIE

    session = request.cookies.get(SESSION_COOKIE, "")
    return hashlib.sha256(session.encode()).hexdigest() if session else ""


def _secret(request: Request) -> bytes:
    """Read (or made) on first use, not when the app is built: a broken data directory is reported by the
    database's own check at start, with its fix."""
    state = request.app.state
    if getattr(state, "csrf_secret", None) is None:
        state.csrf_secret = box_secret(state.kit.settings.home)
    return state.csrf_secret


def token_for(secret: bytes, nonce: str, session_part: str) -> str:
    return hmac.new(secret, f"{nonce}|{session_part}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    return token_for(_secret(request), browser_nonce(request), _session_part(request))


def set_nonce_cookie(request: Request, response) -> None:
    """Send the cookie a page's token was made from, when the browser did not have one yet."""
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce and request.cookies.get(CSRF_COOKIE) != nonce:
        response.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="strict", path="/")


def _is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith(FORM_TYPES)


def _needs_check(request: Request) -> bool:
    from edgekit.server.deps import SESSION_COOKIE, bearer_token, current_user

    if request.method in SAFE_METHODS or bearer_token(request):
        return False
    if request.cookies.get(SESSION_COOKIE) and current_user(request) is not None:
        return True
    return _is_form(request) and not request.url.path.startswith("/v1/")


async def csrf_guard(request: Request) -> None:
    """A dependency of every route (see create_app): refuse a forged browser request before the route runs."""
    if not _needs_check(request):
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and _is_form(request):
        value = (await request.form()).get(CSRF_FIELD)  # parsed once: FastAPI and the route reuse it
        sent = value if isinstance(value, str) else None
    nonce = request.cookies.get(CSRF_COOKIE)
    expected = token_for(_secret(request), nonce, _session_part(request)) if nonce else None
    if not sent or expected is None or not hmac.compare_digest(sent, expected):
        raise CsrfFailed(
            "This form has expired or did not come from this box's page. Go back, reload the page and try again."
        )
