"""Server-rendered pages: one Jinja environment for the core's templates and every app's, one render().

How an app adds its own pages (the health app's visits, a tutor's lessons):
- templates in `templates/` beside its manifest, named `<app id>/<file>` (`health/visits.html`); they extend
  "base.html" and use what every page has: t(), csrf_field(), user, lang, static();
  `templates/app.html` there replaces the core's ask page for that app;
- strings in `i18n/<lang>.json` beside its manifest, read as `<app id>.<key>` (`name` and `description` label its
  tile on the home page);
- static files in `static/` beside its manifest, served at /apps/<id>/static/<file>;
- routes through register_routes, on the app's own router mounted at /apps/<id>, rendering with
  `app.render(request, "visits.html", {...})` (edgekit.sdk; docs/apps.md) after the app's role check; links to
  them through register_pages.

Autoescape is on for every template: model output and knowledge text are always shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from edgekit import __version__
from edgekit.kit import Kit
from edgekit.server.csrf import CSRF_FIELD, csrf_token, set_nonce_cookie
from edgekit.server.i18n import LANGUAGES, Catalogs, choose_language
from edgekit.words import APP_WORDS_FOLDER

# The strings the page's script shows; it has none of its own, so every word it writes is translated.
SCRIPT_STRINGS = ("ask.", "voice.", "answer.", "errors.")
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class PageLink:
    app_id: str
    path: str
    label_key: str
    roles: tuple[str, ...] | None


class Pages:
    """Templates and strings for one running box: the core's and those of every app it found."""

    def __init__(self, kit: Kit):
        self.kit = kit
        folders = {
            app_id: record.manifest.package_dir
            for app_id, record in kit.plugins.apps.items()
            if record.manifest is not None
        }
        app_templates = {
            app_id: FileSystemLoader(folder / "templates")
            for app_id, folder in folders.items()
            if (folder / "templates").is_dir()
        }
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(TEMPLATES), PrefixLoader(app_templates)]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.app_static = {app_id: folder / "static" for app_id, folder in folders.items()}
        self.catalogs = Catalogs((app_id, folder / APP_WORDS_FOLDER) for app_id, folder in folders.items())
        self.links = self._collect_links()

    def _collect_links(self) -> list[PageLink]:
        links: list[PageLink] = []

        def register(app_id: str, path: str, label_key: str, roles=None) -> None:
            links.append(PageLink(app_id, path, label_key, tuple(roles) if roles else None))

        self.kit.plugins.call_each(
            "register_pages", register=register, for_app=lambda app_id: {"app": self.kit.app_contexts.get(app_id)}
        )
        return links

    def app_links(self, app_id: str, role: str) -> list[PageLink]:
        return [link for link in self.links if link.app_id == app_id and (link.roles is None or role in link.roles)]

    def app_name(self, lang: str, app_id: str, fallback: str) -> str:
        key = f"{app_id}.name"
        return self.catalogs.translate(lang, key) if self.catalogs.has(key) else fallback

    def render(self, request: Request, template: str | list[str], context: dict | None = None, status: int = 200):
        from edgekit.server.deps import current_user

        lang = choose_language(request)
        t = self.catalogs.translator(lang)
        token = csrf_token(request)
        user = current_user(request)
        values = {
            "request": request,
            "lang": lang,
            "languages": LANGUAGES,
            "t": t,
            "known": self.catalogs.has,
            "messages_for_script": lambda: self.catalogs.subset(lang, SCRIPT_STRINGS),
            "user": user,
            "role": user.role if user else "guest",
            "csrf_token": token,
            "csrf_field": lambda: Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">'),
            "static": static_url,
            "here": request.url.path,
            "version": __version__,
            "app_name": lambda app_id, fallback="": self.app_name(lang, app_id, fallback),
            "power_profile": self.kit.power.profile.name,  # shown on the ask page; critical says answers are shorter
            **(context or {}),
        }
        html = self.env.select_template(template if isinstance(template, list) else [template]).render(values)
        response = HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
        set_nonce_cookie(request, response)
        return response


# Pages hold a CSRF token and, signed in, someone's questions: never cached by a shared cache, never framed.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'",
}


def static_url(name: str, app_id: str | None = None) -> str:
    """A static file's address, with the version so a box updated in the field does not serve stale scripts."""
    prefix = f"/apps/{app_id}/static" if app_id else "/static"
    return f"{prefix}/{name}?v={__version__}"


def pages_of(request: Request) -> Pages:
    state = request.app.state
    if getattr(state, "pages", None) is None:
        state.pages = Pages(state.kit)
    return state.pages


def render(request: Request, template: str | list[str], context: dict | None = None, status: int = 200):
    """Render a page with everything every page has (see the module's docstring)."""
    return pages_of(request).render(request, template, context, status)
