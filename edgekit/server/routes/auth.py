"""Sign in and out. A browser gets an HttpOnly, SameSite=Strict session cookie (Secure over HTTPS); a wrong PIN
answers slowly, and more slowly each time; too many tries on a name or from an address answer 429 with Retry-After,
the same whether or not the name has an account (edgekit.accounts.throttle). Once signed in by cookie, a browser's
POSTs carry the CSRF token from GET /auth/csrf (or from the page) in the X-CSRF-Token header."""

# No `from __future__ import annotations`: FastAPI must see the real Request/Response classes imported below.

import asyncio

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from edgekit.accounts.auth import LoginFailed, NotAuthenticated
from edgekit.kit import Kit
from edgekit.server.csrf import csrf_token, set_nonce_cookie
from edgekit.server.deps import SESSION_COOKIE, current_user, get_kit

router = APIRouter()


class Login(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    secret: str = Field(min_length=1, max_length=256, description="PIN or password")


class SignedIn(BaseModel):
    name: str
    role: str


class SignedOut(BaseModel):
    signed_out: bool


class CsrfToken(BaseModel):
    csrf_token: str


@router.post("/auth/login")
async def login(body: Login, request: Request, response: Response, kit: Kit = Depends(get_kit)) -> SignedIn:
    try:
        # argon2 is deliberately slow: run it off the event loop so other phones are not kept waiting
        address = request.client.host if request.client else ""
        user = await asyncio.to_thread(kit.accounts.authenticate, body.name, body.secret, address)
    except LoginFailed as failed:
        await asyncio.sleep(failed.delay_s)
        raise
    cookie = kit.accounts.open_session(user)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",  # never sent back over the plain-HTTP port
        max_age=int(kit.settings.session_ttl_s),
        path="/",
    )
    return SignedIn(name=user.name, role=user.role)


@router.post("/auth/logout")
def logout(request: Request, response: Response, kit: Kit = Depends(get_kit)) -> SignedOut:
    if cookie := request.cookies.get(SESSION_COOKIE):
        kit.accounts.close_session(cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return SignedOut(signed_out=True)


@router.get("/auth/csrf")
def csrf(request: Request, response: Response) -> CsrfToken:
    """The token a browser script signed in by cookie sends as X-CSRF-Token on POST (edgekit.server.csrf)."""
    token = csrf_token(request)
    set_nonce_cookie(request, response)
    return CsrfToken(csrf_token=token)


@router.get("/auth/me")
def me(request: Request) -> SignedIn:
    user = current_user(request)
    if user is None:
        raise NotAuthenticated("Not signed in.")
    return SignedIn(name=user.name, role=user.role)
