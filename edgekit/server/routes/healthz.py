"""GET /healthz: is the box up, which version, which models are installed (cheap: no hashing per request)."""

from __future__ import annotations

from edgekit import __version__
from edgekit.errors import EdgekitError
from edgekit.hookspecs import hookimpl
from edgekit.kit import Kit


def health(kit: Kit) -> dict:
    models = []
    for model_id in kit.models.installed_ids():
        try:
            spec = kit.models.installed_spec(model_id)
            entry = {"id": model_id, "task": spec.task, "status": kit.models.status(model_id)} if spec else None
        except EdgekitError as exc:  # a damaged model.toml must not take the status page down with it
            entry = {"id": model_id, "task": None, "status": "invalid", "error": exc.code}
        if entry:
            models.append(entry)
    settings = kit.settings
    return {
        "status": "ok",
        "version": __version__,
        "site": {
            "name": settings.site_name,
            "id": settings.site_id,
            "region": settings.region,
            "languages": settings.languages,
            "timezone": settings.timezone,
        },
        "models": models,
        "models_loaded": kit.manager.loaded_ids(),
        # Workers that died (native crash, OOM kill), and models whose loads back off after crashing repeatedly.
        "engine_crashes": kit.manager.crashes.status(),
        "apps": [record.as_dict() for record in kit.plugins.apps.values()],
        "apps_failed": [{"name": f.name, "reason": f.reason} for f in kit.plugins.failed],
        "knowledge": "indexing" if kit.knowledge_indexing.is_set() else "ready",
    }


@hookimpl
def register_routes(router):
    from fastapi import Depends  # route modules are plugins the CLI loads too: keep its start-up fast

    from edgekit.server.deps import get_kit, require_admin_or_local

    @router.get("/healthz")
    def healthz(kit: Kit = Depends(get_kit)) -> dict:
        return health(kit)

    @router.get("/api/models/status")
    def models_status(kit: Kit = Depends(get_kit), _user=Depends(require_admin_or_local)) -> dict:
        manager = kit.manager
        from edgekit.settings import chat_model_choice

        return {
            "budget_mb": round(manager.budget_mb),
            "used_mb": round(manager.used_mb()),
            "loaded": manager.status(),
            "crashes": manager.crashes.status(),
            "chat_model": chat_model_choice(kit.settings),  # which and why: pinned, or chosen by total RAM
        }
