"""The hooks a plugin may implement. The core registers its own engines and routes through these same hooks."""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("edgekit")
hookimpl = pluggy.HookimplMarker("edgekit")


@hookspec
def register_engines(register):
    """Offer engines: call register(name, engine_class) once for each; name is what a catalog entry's
    `engine` field refers to."""


@hookspec
def register_commands(cli):
    """Add commands to the `edgekit` typer application."""


@hookspec
def register_routes(router):
    """Add routes to the web server (a FastAPI APIRouter mounted at the root)."""


@hookspec
def register_pages(register):
    """Offer links to an app's own web pages: call register(app_id, path, label_key, roles=None) for each. The
    links show on the app's page for users whose role is in `roles` (None: everyone who may use the app).
    label_key is a string of the app's i18n catalog (i18n/<lang>.json beside its manifest), without the app-id
    prefix. The pages themselves are routes (register_routes) rendered with edgekit.server.pages.render."""


@hookspec
def register_knowledge(register):
    """Offer knowledge packs: call register(app_id, folder) for each folder of Markdown documents. Folders named
    in an app's manifest are registered for it already."""


@hookspec
def register_power_sources(register):
    """Offer an energy source (a UPS board's meter, a smart plug on the box's supply): call register(name, factory);
    factory(settings) returns an object with a `name` and `energy_j()` (joules used so far, rising; None when it
    cannot be read), or None when the box does not have it. The first that reads wins: RAPL, the Pi 5 PMIC, then
    plugins' (edgekit/power/sources.py)."""


@hookspec(firstresult=True)
def before_answer(question, ctx):
    """Look at a question before any model does. Return None to pass; an answer (text) to stop there; or
    edgekit.guards.GuardAnswer(text, final=False) for words the answer must begin with, whatever follows."""


@hookspec
def startup(ctx):
    """The server or a command is starting: open what the plugin needs."""


@hookspec
def shutdown(ctx):
    """The server is stopping: close what startup opened."""
