"""The hooks a plugin may implement. The core registers its own engines and routes through these same hooks.

Every hook is called with named arguments, the same in every call. The per-app hooks get `app`, the app's own
edgekit.sdk.AppContext (id, manifest, URL prefix, database, knowledge, logger, audit); the core's own plugins and
plugins that are not apps get app=None. An implementation names only the arguments it uses.
docs/hooks.md documents each one (tests/apps/test_hooks_doc.py keeps the two in step).
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("edgekit")
hookimpl = pluggy.HookimplMarker("edgekit")


@hookspec
def register_engines(register):
    """Offer engines: call register(name, engine_class) once for each; name is what a catalog entry's
    `engine` field refers to."""


@hookspec
def register_commands(app, cli):
    """Add commands to the `edgekit` typer application (an app adds one group named after its id)."""


@hookspec
def register_routes(app, router):
    """Add routes to the web server. An app's router is already mounted under its prefix (/apps/<id>): a route
    declared at "/triage" answers at /apps/<id>/triage. The core's own plugins get the root router."""


@hookspec
def register_pages(app, register):
    """Offer links to an app's own web pages: call register(app_id, path, label_key, roles=None) for each. The
    links show on the app's page for users whose role is in `roles` (None: everyone who may use the app).
    label_key is a string of the app's i18n catalog (i18n/<lang>.json beside its manifest), without the app-id
    prefix. The pages themselves are routes (register_routes) rendered with edgekit.sdk.render."""


@hookspec
def register_knowledge(app, register):
    """Offer knowledge packs: call register(app_id, folder) for each folder of Markdown documents. Folders named
    in an app's manifest are registered for it already."""


@hookspec
def register_power_sources(register):
    """Offer an energy source (a UPS board's meter, a smart plug on the box's supply): call register(name, factory);
    factory(settings) returns an object with a `name` and `energy_j()` (joules used so far, rising; None when it
    cannot be read), or None when the box does not have it. The first that reads wins: RAPL, the Pi 5 PMIC, then
    plugins' (edgekit/power/sources.py)."""


@hookspec(firstresult=True)
def before_answer(app, question, lang, user):
    """Look at a question before any model does. `app` is the context of the app asked (None for plain chat),
    `lang` the question's language (None when unknown), `user` who asks (None for a visitor or the shell).
    Return None to pass; an answer (text) to stop there; or edgekit.sdk.GuardAnswer(text, final=False) for words
    the answer must begin with, whatever follows. Only the app asked (and plugins that are not apps) is called."""


@hookspec
def startup(app):
    """The server is starting: open what the app needs."""


@hookspec
def shutdown(app):
    """The server is stopping: close what startup opened."""
