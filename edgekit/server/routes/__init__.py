"""The core's routes. Modules listed in CORE_ROUTERS hold a module-level `router`, imported only when the server
is made (create_app), so a CLI command that serves nothing never imports them. (Routes still registered through
the register_routes hook are named in edgekit.plugins.DEFAULT_PLUGINS.)"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter

CORE_ROUTERS = (
    "edgekit.server.routes.ui_ask",  # an app's page, the form without JavaScript, voice in and out
    "edgekit.server.routes.apps",  # the app API: POST /apps/<id>/api/ask, streamed
    "edgekit.server.routes.v1",  # OpenAI-compatible /v1
)


def include_core_routers(root: APIRouter) -> None:
    for module_name in CORE_ROUTERS:
        root.include_router(importlib.import_module(module_name).router)
