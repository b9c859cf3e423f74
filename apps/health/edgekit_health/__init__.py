"""Mother and baby health, for community health workers: danger-sign triage, the WHO antenatal visit schedule,
and a registry of the women they visit, with referrals and an export for the district.

Triage is deterministic (edgekit_health/triage/) and runs first, as this app's before_answer guard: when a
question describes an emergency, the answer opens with the referral instruction, and whatever the model or the
documents say comes after it. Only health workers and admins reach this app (manifest.toml).
"""

from edgekit.sdk import AppContext, GuardAnswer, hookimpl

APP_ID = "health"


@hookimpl
def register_routes(app: AppContext, router):
    """The router is mounted at /apps/health: the API under /api, the pages beside it."""
    from edgekit_health.pages import add_pages
    from edgekit_health.routes import build_router

    router.include_router(build_router(app))
    add_pages(app, router)


@hookimpl
def register_pages(app: AppContext, register):
    from edgekit_health.pages import PAGES

    for path, label in PAGES:
        register(app.id, app.url(path), label, roles=["health_worker", "admin"])


@hookimpl
def register_commands(app: AppContext, cli):
    from edgekit_health.commands import health_cli

    cli.add_typer(health_cli, name=app.id)


@hookimpl
def before_answer(app: AppContext, question: str, lang: str | None):
    """An emergency or urgent danger sign in the question: the answer begins with the referral, and the
    triage travels with it. A routine question goes to the documents. Called for this app's questions only."""
    from edgekit_health.triage import triage

    result = triage(question, lang)
    if result.level == "routine":
        return None
    return GuardAnswer(result.advice, final=False, data={"triage": result.as_dict()})
