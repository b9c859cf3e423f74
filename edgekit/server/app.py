"""create_app(settings): the web server of the box. Routes arrive through the register_routes hook, the core's own
included, so an app adds pages exactly as the core does."""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI

from edgekit import __version__
from edgekit.kit import Kit
from edgekit.knowledge.sync import BackgroundSync, needs_sync
from edgekit.power.monitor import PowerMonitor
from edgekit.server.csrf import csrf_guard
from edgekit.server.errors import install_error_handlers
from edgekit.server.https import HttpsUpgrade
from edgekit.server.limits import BodyLimit
from edgekit.settings import Settings


def create_app(settings: Settings | None = None, kit: Kit | None = None) -> FastAPI:
    kit = kit or Kit(settings or Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        kit.prepare_database()
        # The apps' documents are indexed in a child while the box already serves (see knowledge/sync.py).
        indexing = BackgroundSync(kit).start() if needs_sync(kit) else None
        stop_reaper = kit.manager.start_reaper()
        stop_power_watch = PowerMonitor(kit).start()  # profiles, the battery log, a clean shutdown (edgekit/power)
        kit.plugins.call_each("startup", for_app=lambda app_id: {"app": kit.app_contexts.get(app_id)})
        yield
        kit.plugins.call_each("shutdown", for_app=lambda app_id: {"app": kit.app_contexts.get(app_id)})
        stop_reaper.set()
        stop_power_watch.set()
        if indexing is not None:
            await asyncio.to_thread(indexing.stop)
        kit.close()

    # No Swagger or ReDoc pages: they load their scripts from a CDN, which a box must never ask a phone to do.
    # The schema itself is served at /openapi.json. FastAPI's own telemetry stays off whatever the environment.
    app = FastAPI(
        title="edgekit",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False, "auto_configure": False},
    )
    app.state.kit = kit
    app.state.started_at = time.time()
    app.state.csrf_secret = None  # the CSRF signing key, read from the data directory on first use
    app.state.pages = None  # made on the first page (edgekit.server.pages), once the apps are known
    app.state.https_port = None  # set by edgekit serve when it serves HTTPS beside plain HTTP
    app.add_middleware(
        BodyLimit,
        max_bytes=int((kit.settings.max_upload_mb + 1) * 1024 * 1024),
        timeout_s=kit.settings.body_timeout_s,
    )
    app.add_middleware(HttpsUpgrade, state=app.state)

    install_error_handlers(app)

    # Every route, the apps' included, refuses a forged browser request before it runs (edgekit.server.csrf).
    router = APIRouter(dependencies=[Depends(csrf_guard)])
    register_routes(kit, router)
    app.include_router(router)
    return app


def register_routes(kit: Kit, root: APIRouter) -> None:
    """The core's routes go on the root router; each app's on a router of its own mounted at /apps/<id>, the slug
    the core chose (Kolibri's way), included only when its hook ran through: a failing app adds no half routes."""
    app_routers: dict[str, APIRouter] = {}

    def for_app(app_id: str) -> dict:
        context = kit.app_contexts.get(app_id)
        app_routers[app_id] = APIRouter(prefix=context.prefix if context else f"/apps/{app_id}")
        return {"app": context, "router": app_routers[app_id]}

    kit.plugins.call_each("register_routes", router=root, for_app=for_app)
    for app_id, app_router in app_routers.items():
        if kit.plugins.apps[app_id].status != "failed":
            root.include_router(app_router)
