"""Mother and baby health, for community health workers: danger-sign triage, the WHO antenatal visit schedule,
and a registry of the women they visit, with referrals and an export for the district.

Triage is deterministic (edgekit_health/triage/) and runs first, as this app's before_answer guard: when a
question describes an emergency, the answer opens with the referral instruction, and whatever the model or the
documents say comes after it. Only health workers and admins reach this app (manifest.toml).
"""

from edgekit.hookspecs import hookimpl

APP_ID = "health"


@hookimpl
def register_routes(router):
    from edgekit_health.pages import add_pages
    from edgekit_health.routes import build_router

    router.include_router(build_router())
    add_pages(router)


@hookimpl
def register_pages(register):
    from edgekit_health.pages import PAGES

    for path, label in PAGES:
        register(APP_ID, path, label, roles=["health_worker", "admin"])


@hookimpl
def register_commands(cli):
    from edgekit_health.commands import health_cli

    cli.add_typer(health_cli, name=APP_ID)


@hookimpl
def before_answer(question, ctx):
    """An emergency or urgent danger sign in the question: the answer begins with the referral, and the
    triage travels with it. A routine question goes to the documents."""
    if ctx.get("app") != APP_ID:
        return None
    from edgekit.guards import GuardAnswer
    from edgekit_health.triage import triage

    result = triage(question, ctx.get("lang"))
    if result.level == "routine":
        return None
    return GuardAnswer(result.advice, final=False, data={"triage": result.as_dict()})
