"""The root page: a plain, phone-sized page saying the box is up. No outside assets: it must work offline."""

# No `from __future__ import annotations` here: FastAPI must see the real Request class, imported in the hook.

from pathlib import Path

from edgekit.hookspecs import hookimpl
from edgekit.kit import Kit
from edgekit.server.routes.health import health

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@hookimpl
def register_routes(router):
    from fastapi import Depends, Request  # route modules are plugins the CLI loads too: keep its start-up fast
    from fastapi.responses import HTMLResponse
    from fastapi.templating import Jinja2Templates

    from edgekit.server.deps import get_kit

    templates = Jinja2Templates(directory=TEMPLATES)

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request, kit: Kit = Depends(get_kit)):
        return templates.TemplateResponse(request, "home.html", {"health": health(kit)})
