"""The core's routes, imported when the server starts (create_app), never by the CLI.

Each module listed holds a module-level APIRouter (`router`). The names and the shape follow the layout
branch's edgekit/server/routes/__init__.py, which lists every core route module: on merge, its "openai" entry
becomes "v1" (the /v1 package).
"""

from __future__ import annotations

import importlib

from fastapi import APIRouter

# The first route that matches a path wins; create_app includes these after the apps' routes.
CORE_ROUTE_MODULES = (
    "ui_ask",  # an app's page, the form without JavaScript, voice in and out
    "v1",  # OpenAI-compatible /v1
    "apps",  # the app API: POST /apps/<id>/api/ask, streamed
)


def include_core_routes(router: APIRouter) -> None:
    for name in CORE_ROUTE_MODULES:
        router.include_router(importlib.import_module(f"{__name__}.{name}").router)
