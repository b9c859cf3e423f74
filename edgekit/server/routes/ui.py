"""The pages everyone meets first: the apps their role may use, the language switch, signing in and out, and the
static files (CSS, the one script). Asking is in ui_ask.py, past conversations in ui_history.py, the technician's
pages in ui_admin.py. Every page works without JavaScript; forms carry the CSRF token (edgekit.server.csrf)."""

# No `from __future__ import annotations`: FastAPI must see the real Request class.

import asyncio
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.exceptions import HTTPException

from edgekit.accounts.auth import LoginFailed
from edgekit.kit import Kit
from edgekit.server.deps import SESSION_COOKIE, current_user, get_kit
from edgekit.server.i18n import LANG_COOKIE, LANGUAGES
from edgekit.server.pages import STATIC, pages_of, render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only a path on this box: a link that sends people elsewhere after signing in is an attacker's tool."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def static_file(folder: Path, name: str):
    """A file under `folder`, never outside it; cached by the phone for a day (the address carries the version)."""
    root = folder.resolve()
    try:
        path = (root / name).resolve()
        found = path.is_relative_to(root) and path.is_file()
    except (ValueError, OSError):  # a NUL byte, a name too long for the file system: no file has that name
        found = False
    if not found:
        raise HTTPException(404)
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})


@router.get("/")
def home(request: Request, kit: Kit = Depends(get_kit)):
    user = current_user(request)
    role = user.role if user else "guest"
    apps = [
        record.manifest
        for record in kit.plugins.apps.values()
        if record.status == "loaded" and record.manifest is not None and role in record.manifest.roles
    ]
    hidden = any(
        r.status == "loaded" and r.manifest is not None and role not in r.manifest.roles
        for r in kit.plugins.apps.values()
    )
    return render(request, "home.html", {"apps": apps, "more_after_sign_in": hidden and user is None})


@router.post("/language")
def choose_language(lang: str = Form(...), next: str = Form("/")):
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGUAGES:
        # Lax, not Strict: someone following a link to the box from elsewhere still gets their language.
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax", path="/")
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return render(request, "login.html", {"next": safe_next(next), "error": None, "name": ""})


@router.post("/login")
async def login_form(
    request: Request,
    name: str = Form("", max_length=64),
    pin: str = Form("", max_length=256),
    next: str = Form("/"),
    kit: Kit = Depends(get_kit),
):
    try:
        # argon2 is deliberately slow: off the event loop, so other phones are not kept waiting
        address = request.client.host if request.client else ""
        user = await asyncio.to_thread(kit.accounts.authenticate, name, pin, address)
    except LoginFailed as failed:
        await asyncio.sleep(failed.delay_s)
        wait = getattr(failed, "retry_after_s", None)
        context = {"next": safe_next(next), "error": failed.code, "name": name, "wait_s": wait}
        headers = {"Retry-After": str(wait)} if wait else None
        response = render(request, "login.html", context, status=failed.http_status)
        response.headers.update(headers or {})
        return response
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        kit.accounts.open_session(user),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",  # never sent back over the plain-HTTP port
        max_age=int(kit.settings.session_ttl_s),
        path="/",
    )
    return response


@router.post("/logout")
def logout_form(request: Request, kit: Kit = Depends(get_kit)):
    if cookie := request.cookies.get(SESSION_COOKIE):
        kit.accounts.close_session(cookie)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/static/{name:path}")
def core_static(name: str):
    return static_file(STATIC, name)


@router.get("/apps/{app_id}/static/{name:path}")
def app_static(app_id: str, name: str, request: Request):
    folder = pages_of(request).app_static.get(app_id)
    if folder is None:
        raise HTTPException(404)
    return static_file(folder, name)
