"""Request dependencies: routes reach the kit through the app, never through a global, and learn who is asking
from a session cookie (browsers) or a bearer token (scripts and API clients)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from fastapi import Request

from edgekit.accounts.auth import NotAuthenticated, require_role
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


def client_key(request: Request, user: User | None) -> str:
    """Who is waiting, for fair turns at a model: the person when signed in, else the phone's address."""
    return f"user:{user.name}" if user else f"address:{request.client.host if request.client else ''}"


def v1_client(request: Request) -> str:
    """Who is calling /v1, as the key for fair turns. A token is needed unless the technician opened /v1 to the
    local network (EDGEKIT_OPEN_V1_ACCESS); then anonymous callers are told apart by address."""
    user = current_user(request)
    if user is not None:
        return f"user:{user.name}"
    # With open access, clients that must send some key (the openai package always does) are let in too, but
    # only from the local network: a box that also has an uplink must not become an open API on it.
    host = request.client.host if request.client else ""
    if not (get_kit(request).settings.open_v1_access and is_local_address(host)):
        raise NotAuthenticated("This API needs a token: Authorization: Bearer <token from edgekit users token NAME>.")
    return f"address:{host}"


def is_local_address(host: str) -> bool:
    """Loopback, private (the box's Wi-Fi) or link-local."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost"
    return address.is_loopback or address.is_private or address.is_link_local


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def require_admin_or_local(request: Request) -> User | None:
    """Device details: for technicians, or for the box's own CLI on loopback (edgekit models status)."""
    if request.client and request.client.host in LOOPBACK:
        return current_user(request)
    return require_role(current_user(request), ("admin",))


def require_roles(*roles: str) -> Callable[[Request], User]:
    """A dependency that lets only these roles through: 401 for nobody, 403 for a wrong role."""

    def guard(request: Request) -> User:
        return require_role(current_user(request), roles)

    return guard


def require_app_access(request: Request, app_id: str):
    """The app's manifest and who is asking, when their role is among the manifest's `roles` (a visitor who is not
    signed in counts as a guest): 404 for no such app, 401 for a guest an app refuses, 403 for a wrong role."""
    from edgekit.accounts.auth import Forbidden
    from edgekit.answering.guard import require_app

    manifest = require_app(get_kit(request), app_id)
    user = current_user(request)
    role = user.role if user else "guest"
    if role not in manifest.roles:
        if user is None:
            raise NotAuthenticated(f"Sign in to use {manifest.name}.")
        raise Forbidden(f"The role '{role}' may not use {manifest.name}.")
    return manifest, user
