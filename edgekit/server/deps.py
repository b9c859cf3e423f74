"""Request dependencies: routes reach the kit through the app, never through a global, and learn who is asking
from a session cookie (browsers) or a bearer token (scripts and API clients)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from edgekit.auth import require_role
from edgekit.kit import Kit
from edgekit.store.tables import User

SESSION_COOKIE = "edgekit_session"


def get_kit(request: Request) -> Kit:
    return request.app.state.kit


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_user(request: Request) -> User | None:
    """Who is asking, or None for an anonymous visitor. Cached on the request: several guards may ask."""
    if hasattr(request.state, "user"):
        return request.state.user
    accounts = get_kit(request).accounts
    user = None
    if token := bearer_token(request):
        user = accounts.user_for_token(token)
    elif cookie := request.cookies.get(SESSION_COOKIE):
        user = accounts.user_for_session(cookie)
    request.state.user = user
    return user


def require_roles(*roles: str) -> Callable[[Request], User]:
    """A dependency that lets only these roles through: 401 for nobody, 403 for a wrong role."""

    def guard(request: Request) -> User:
        return require_role(current_user(request), roles)

    return guard
