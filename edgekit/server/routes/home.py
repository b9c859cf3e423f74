"""The root page: a plain, phone-sized page saying the box is up. No outside assets: it must work offline."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from edgekit.hookspecs import hookimpl
from edgekit.kit import Kit
from edgekit.server.deps import get_kit
from edgekit.server.routes.health import health

templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


@hookimpl
def register_routes(router):
    @router.get("/", response_class=HTMLResponse)
    def home(request: Request, kit: Kit = Depends(get_kit)):
        return templates.TemplateResponse(request, "home.html", {"health": health(kit)})
