"""The hub's web server: the boxes' API (enrol, batches, pull: signed envelopes, no passwords) and the district's
pages (HTTP Basic sign-in, one role each). Pages are light, translated and need no JavaScript, as on the box."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Engine

from edgekit.errors import EdgekitError
from edgekit.hub import downlink, enrol, export, figures
from edgekit.hub.db import HubSettings, create_hub_engine
from edgekit.hub.ingest import ingest
from edgekit.hub.limits import EnrolThrottle, read_envelope
from edgekit.hub.pack_delivery import add_pack_routes
from edgekit.hub.pack_pages import add_pack_pages
from edgekit.hub.users import SEES, Verifier
from edgekit.server.i18n import LANG_COOKIE, LANGUAGES, choose_language

HERE = Path(__file__).resolve().parent
BOX_CSS = HERE.parent / "server" / "static" / "edgekit.css"  # the box's own style sheet: one look everywhere
PAGE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}


class NotSignedIn(EdgekitError):
    code = "not_authenticated"
    http_status = 401


class NotYours(EdgekitError):
    code = "forbidden"
    http_status = 403


def _catalogs() -> dict[str, dict[str, str]]:
    return {lang: json.loads((HERE / "i18n" / f"{lang}.json").read_text(encoding="utf-8")) for lang in LANGUAGES}


def create_hub_app(settings: HubSettings, engine: Engine | None = None) -> FastAPI:
    engine = engine or create_hub_engine(settings)
    private, public = enrol.hub_identity(settings.home)
    verifier = Verifier(engine)
    freshness = figures.FiguresFreshness(engine, settings.figures_max_age_s)
    catalogs = _catalogs()
    pages = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    app = FastAPI(title="edgekit hub", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(EdgekitError)
    def edgekit_error(_request: Request, exc: EdgekitError):
        headers = {"WWW-Authenticate": 'Basic realm="edgekit hub"'} if exc.code == "not_authenticated" else None
        retry_after_s = getattr(exc, "retry_after_s", None)  # enrol_throttled: when to knock again
        if retry_after_s:
            headers = {"Retry-After": str(retry_after_s)}
        # A refusal may carry figures the box acts on (sync_seq_reused: where to renumber from and to).
        extra = getattr(exc, "details", None) or {}
        error = {"code": exc.code, "message": exc.message, **extra}
        return JSONResponse({"error": error}, exc.http_status, headers=headers)

    throttle = EnrolThrottle()

    # --- the boxes' API ----------------------------------------------------------------------------------------

    @app.post("/api/enrol")
    async def api_enrol(request: Request):
        throttle.check(request.client.host if request.client else "")
        envelope = await read_envelope(request)
        with engine.begin() as connection:
            answer = enrol.request_enrolment(connection, envelope)
        return answer | {"hub_key": public.line().strip()}

    @app.post("/api/batches")
    async def api_batches(request: Request):
        envelope = await read_envelope(request)
        with engine.begin() as connection:
            result = ingest(connection, envelope)
        return {"box": result.box, "received": result.received, "new": result.new, "acked_seq": result.acked_seq}

    @app.post("/api/pull")
    async def api_pull(request: Request):
        envelope = await read_envelope(request)
        with engine.begin() as connection:
            return downlink.pull(connection, envelope, private)

    add_pack_routes(app, engine, settings.home, private, read_envelope)  # packs that travel down

    # --- the district's pages ----------------------------------------------------------------------------------

    def signed_in(request: Request) -> str:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                name, _, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                name, password = "", ""
            role = verifier.role_of(name, password) if name else None
            if role:
                return role
        raise NotSignedIn("Sign in with your hub account.")

    def may(role: str, area: str) -> None:
        if area not in SEES.get(role, set()):
            raise NotYours("Your role does not see these figures.")

    def render(request: Request, template: str, role: str, **context) -> HTMLResponse:
        asked = request.query_params.get("lang")
        lang = asked if asked in LANGUAGES else choose_language(request)
        messages, english = catalogs[lang], catalogs["en"]

        def t(key: str, **params) -> str:
            text = messages.get(key) or english.get(key) or key
            return text.format(**params) if params else text

        html = pages.get_template(template).render(
            t=t, lang=lang, languages=LANGUAGES, role=role, sees=SEES.get(role, set()), here=request.url.path, **context
        )
        response = HTMLResponse(html, headers=PAGE_HEADERS)
        if asked in LANGUAGES:  # a language link works without JavaScript and is remembered
            response.set_cookie(LANG_COOKIE, asked, max_age=365 * 86400, samesite="lax")
        return response

    def month_range(month: str) -> tuple[date, date]:
        try:
            year, number = (int(part) for part in month.split("-"))
            first = date(year, number, 1)
        except ValueError:
            raise EdgekitError("A month is YYYY-MM.", code="bad_input") from None
        return first, date(year + number // 12, number % 12 + 1, 1)

    def default_since() -> str:
        today = date.today()
        return f"{today.year - 1}-{today.month:02d}"

    @app.get("/static/edgekit.css")
    def css():
        return FileResponse(BOX_CSS, media_type="text/css")

    @app.get("/")
    def home(request: Request, role: str = Depends(signed_in)):
        return render(request, "home.html", role)

    @app.get("/health")
    def health_page(request: Request, since: str = "", until: str = "", role: str = Depends(signed_in)):
        may(role, "health")
        start, end = month_range(since or default_since())[0], month_range(until)[1] if until else date.max
        freshness.ensure()
        with engine.connect() as connection:
            rows = figures.health_by_facility_month(connection, start, end)
        return render(request, "health.html", role, rows=rows, since=since or default_since(), until=until)

    @app.get("/edu")
    def edu_page(request: Request, role: str = Depends(signed_in)):
        may(role, "edu")
        with engine.connect() as connection:
            rows = figures.schools(connection)
        return render(request, "edu.html", role, rows=rows)

    @app.get("/boxes")
    def boxes_page(request: Request, role: str = Depends(signed_in)):
        may(role, "boxes")
        with engine.connect() as connection:
            rows = figures.boxes(connection)
        return render(request, "boxes.html", role, rows=rows)

    @app.get("/export/health.csv")
    def health_csv(since: str = "", until: str = "", role: str = Depends(signed_in)):
        may(role, "health")
        start, end = month_range(since or default_since())[0], month_range(until)[1] if until else date.max
        freshness.ensure()
        with engine.connect() as connection:
            rows = figures.health_by_facility_month(connection, start, end)
        return Response(export.health_csv(rows), media_type="text/csv; charset=utf-8")

    @app.get("/export/dhis2.json")
    def dhis2(since: str = "", until: str = "", role: str = Depends(signed_in)):
        """DHIS2 dataValueSets through the site's mapping file, $EDGEKIT_HUB_HOME/dhis2_mapping.json."""
        may(role, "health")
        mapping = export.read_mapping(settings.home / "dhis2_mapping.json")
        start, end = month_range(since or default_since())[0], month_range(until)[1] if until else date.max
        freshness.ensure()
        with engine.connect() as connection:
            rows = figures.health_by_facility_month(connection, start, end)
        return export.dhis2_data_value_sets(rows, mapping)

    add_pack_pages(app, engine, settings.home, private, signed_in, render)  # the admin publishes packs

    app.state.engine = engine
    return app
