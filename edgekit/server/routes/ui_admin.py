"""The technician's pages (role admin): how the box is doing, apps on and off, and the people who sign in."""

# No `from __future__ import annotations`: FastAPI must see the real Request class.

import shutil
import time

import psutil
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from edgekit.accounts.auth import ROLES
from edgekit.apps import set_enabled
from edgekit.errors import BadInput, EdgekitError
from edgekit.kit import Kit
from edgekit.server.deps import get_kit, require_roles
from edgekit.server.pages import render
from edgekit.server.routes.healthz import health
from edgekit.store import audit, session_for
from edgekit.sync.status import sync_status

MB = 1024 * 1024

router = APIRouter()
admin_only = require_roles("admin")


def device_status(kit: Kit, started_at: float) -> dict:
    """What a technician checks first: models, memory, disk, queues, uptime."""
    memory = psutil.virtual_memory()
    disk = shutil.disk_usage(kit.settings.home)
    box = health(kit)
    return {
        "version": box.version,
        "uptime_s": int(time.time() - started_at),
        "models": [model.model_dump(exclude_unset=True) for model in box.models],
        "loaded": kit.manager.status(),
        "budget_mb": round(kit.manager.budget_mb),
        "models_mb": round(kit.manager.used_mb()),
        "memory_total_mb": round(memory.total / MB),
        "memory_available_mb": round(memory.available / MB),
        "server_mb": round(psutil.Process().memory_info().rss / MB),
        "disk_free_mb": round(disk.free / MB),
        "disk_total_mb": round(disk.total / MB),
        "queues": kit.scheduler.status(),
        "apps_failed": [{"name": f.name, "reason": f.reason} for f in kit.plugins.failed],
        "sync": sync_status(kit.db),  # the hub, what waits, and what this site opted in to share
    }


def duration_parts(seconds: int) -> dict:
    return {"days": seconds // 86400, "hours": seconds % 86400 // 3600, "minutes": seconds % 3600 // 60}


def user_state(user, network_wait_s: float) -> str:
    """Disabled by a technician, made to wait after wrong tries from phones (edgekit.accounts.throttle), or active."""
    if user.disabled:
        return "disabled"
    return "locked" if network_wait_s > 0 else "active"


@router.get("/admin")
def admin_status(request: Request, kit: Kit = Depends(get_kit), _admin=Depends(admin_only)):
    status = device_status(kit, request.app.state.started_at)
    return render(request, "admin/status.html", {"status": status, "uptime": duration_parts(status["uptime_s"])})


@router.get("/admin/apps")
def admin_apps(request: Request, kit: Kit = Depends(get_kit), _admin=Depends(admin_only), changed: str = ""):
    return render(request, "admin/apps.html", {"records": list(kit.plugins.apps.values()), "changed": changed or None})


@router.post("/admin/apps/{app_id}")
def switch_app(app_id: str, enabled: int = Form(...), kit: Kit = Depends(get_kit), admin=Depends(admin_only)):
    if app_id not in kit.plugins.apps:
        raise EdgekitError(f"No app '{app_id}' is installed.", code="unknown_app", http_status=404)
    set_enabled(kit.settings.home, app_id, bool(enabled))
    applied = kit.plugins.switch_app(app_id, bool(enabled))
    with session_for(kit.db) as session:
        audit.record(session, admin.name, "app_enabled" if enabled else "app_disabled", app_id)
        session.commit()
    return RedirectResponse(f"/admin/apps?changed={'now' if applied else 'restart'}", status_code=303)


def users_page(request: Request, kit: Kit, error: str | None = None, form: dict | None = None, status=200):
    throttle = kit.accounts.throttle
    users = [(user, user_state(user, throttle.network_wait(user.name))) for user in kit.accounts.list_users()]
    context = {"users": users, "roles": ROLES, "error": error, "form": form or {"name": "", "role": "student"}}
    return render(request, "admin/users.html", context, status=status)


@router.get("/admin/users")
def admin_users(request: Request, kit: Kit = Depends(get_kit), _admin=Depends(admin_only)):
    return users_page(request, kit)


@router.post("/admin/users")
def add_user(
    request: Request,
    name: str = Form("", max_length=64),
    role: str = Form("", max_length=32),
    pin: str = Form("", max_length=16),
    kit: Kit = Depends(get_kit),
    admin=Depends(admin_only),
):
    try:
        kit.accounts.add_user(name, role, pin=pin, actor=admin.name)
    except BadInput as exc:
        return users_page(request, kit, exc.code, {"name": name, "role": role}, status=400)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}/{action}")
def lock_user(name: str, action: str, request: Request, kit: Kit = Depends(get_kit), admin=Depends(admin_only)):
    if action not in ("lock", "unlock"):
        raise BadInput(f"Unknown action '{action}'.", code="bad_input", http_status=404)
    if action == "lock":
        if name.strip().lower() == admin.name:  # names are kept lower-case: the box's only door stays open
            return users_page(request, kit, "cannot_lock_self", status=400)
        kit.accounts.disable_user(name, actor=admin.name)
    else:
        kit.accounts.enable_user(name, actor=admin.name)
    return RedirectResponse("/admin/users", status_code=303)
