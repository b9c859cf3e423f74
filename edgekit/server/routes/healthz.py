"""GET /healthz: is the box up, which version, which models are installed (cheap: no hashing per request).
GET /api/models/status: the model manager's budget and what it holds (admin, or the box itself)."""

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from edgekit import __version__
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.server.deps import get_kit, require_admin_or_local
from edgekit.settings import chat_model_choice
from edgekit.workers.chat_slots import chat_parallel_choice

router = APIRouter()


class Site(BaseModel):
    name: str | None
    id: str | None
    region: str | None
    languages: list[str]
    timezone: str | None


class InstalledModel(BaseModel):
    id: str
    task: str | None
    status: str
    error: str | None = None  # the code, when model.toml itself is damaged


class AppStatus(BaseModel):
    id: str
    status: str
    reason: str | None
    name: str | None
    version: str | None
    roles: list[str]


class FailedApp(BaseModel):
    name: str
    reason: str


class Health(BaseModel):
    status: str
    version: str
    site: Site
    models: list[InstalledModel]
    models_loaded: list[str]
    # Workers that died (native crash, OOM kill), and models whose loads back off after crashing repeatedly.
    engine_crashes: list[dict[str, Any]]
    apps: list[AppStatus]
    apps_failed: list[FailedApp]
    knowledge: str  # indexing | ready


class ModelsStatus(BaseModel):
    budget_mb: int
    used_mb: int
    loaded: list[dict[str, Any]]
    crashes: list[dict[str, Any]]
    chat_model: str  # which and why: pinned, or chosen by total RAM
    chat_parallel: str  # how many answers the chat model decodes at once, and why


def health(kit: Kit) -> Health:
    models = []
    for model_id in kit.models.installed_ids():
        try:
            spec = kit.models.installed_spec(model_id)
            entry = InstalledModel(id=model_id, task=spec.task, status=kit.models.status(model_id)) if spec else None
        except EdgekitError as exc:  # a damaged model.toml must not take the status page down with it
            entry = InstalledModel(id=model_id, task=None, status="invalid", error=exc.code)
        if entry:
            models.append(entry)
    settings = kit.settings
    site = Site(
        name=settings.site_name,
        id=settings.site_id,
        region=settings.region,
        languages=settings.languages,
        timezone=settings.timezone,
    )
    return Health(
        status="ok",
        version=__version__,
        site=site,
        models=models,
        models_loaded=kit.manager.loaded_ids(),
        engine_crashes=kit.manager.crashes.status(),
        apps=[AppStatus(**record.as_dict()) for record in kit.plugins.apps.values()],
        apps_failed=[FailedApp(name=f.name, reason=f.reason) for f in kit.plugins.failed],
        knowledge="indexing" if kit.knowledge_indexing.is_set() else "ready",
    )


# Absent keys stay absent (a model's "error" only when it has one), as the JSON was before it was typed.
@router.get("/healthz", response_model_exclude_unset=True)
def healthz(kit: Kit = Depends(get_kit)) -> Health:
    return health(kit)


@router.get("/api/models/status")
def models_status(kit: Kit = Depends(get_kit), _user=Depends(require_admin_or_local)) -> ModelsStatus:
    manager = kit.manager
    return ModelsStatus(
        budget_mb=round(manager.budget_mb),
        used_mb=round(manager.used_mb()),
        loaded=manager.status(),
        crashes=manager.crashes.status(),
        chat_model=chat_model_choice(kit.settings),
        chat_parallel=chat_parallel_choice(kit.settings, manager.slots_for(manager.model_for("chat"))),
    )
