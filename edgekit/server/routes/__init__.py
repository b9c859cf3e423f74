"""The core's routes, imported when the server starts (create_app), never by the CLI.

Each module is a module-level APIRouter. Those still written as a register_routes hook (the ask flow, /v1 and the
apps' API, which the answering service rewrites) are called the same way an app's hook is, but directly: a broken
core route is a bug to see at start, not an app to skip.
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
    "openai",
    "apps",
)


def include_core_routes(router: APIRouter) -> None:
    for name in CORE_ROUTE_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        if isinstance(getattr(module, "router", None), APIRouter):
            router.include_router(module.router)
        else:
            module.register_routes(router=router)
