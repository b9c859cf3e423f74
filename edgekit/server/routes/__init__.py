"""The core's routes, imported when the server starts (create_app), never by the CLI.

Each module holds a module-level APIRouter (`router`); create_app includes them after the apps' routes.
"""

from __future__ import annotations

import importlib

from fastapi import APIRouter

# In the order they were registered as plugins: the first route that matches a path wins.
CORE_ROUTE_MODULES = (
    "healthz",
    "ui",
    "ui_ask",
    "ui_history",
    "ui_admin",
    "ui_power",
    "auth",
    "https",
    "v1",  # OpenAI-compatible /v1
    "apps",
)


def include_core_routes(router: APIRouter) -> None:
    for name in CORE_ROUTE_MODULES:
        router.include_router(importlib.import_module(f"{__name__}.{name}").router)
