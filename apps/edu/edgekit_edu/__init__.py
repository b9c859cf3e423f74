"""The school assistant: lessons, practice to mastery with answers checked exactly (no model), a tutor that gives
hints and never answers, and a teacher's view of the class.

Pupils sign in with the class code, their name from a list and a short PIN or picture password (/apps/edu/join).
The tutor's guard (safeguarding, off topic) runs before any model; checking an answer never waits for a model.
"""

from edgekit.sdk import AppContext, hookimpl

APP_ID = "edu"
PAGES = (("/join", "join"), ("/learn", "learn"), ("/teach", "teach"))


@hookimpl
def register_routes(app: AppContext, router) -> None:
    from edgekit_edu.api import add_api
    from edgekit_edu.pages import add_pages

    add_api(app, router)
    add_pages(app, router)


@hookimpl
def register_pages(app: AppContext, register) -> None:
    register(APP_ID, app.url("/learn"), "learn", roles=["student"])
    register(APP_ID, app.url("/teach"), "teach", roles=["teacher", "admin"])


@hookimpl
def register_commands(app: AppContext, cli) -> None:
    from edgekit_edu.commands import build_cli

    cli.add_typer(build_cli(app), name=APP_ID)


@hookimpl
def before_answer(app: AppContext, question: str, lang: str | None, user) -> str | None:
    """The box's own ask page for this app gets the same safeguarding guard as the tutor."""
    from edgekit_edu.safeguarding import disclosure, kind_answer

    if disclosure(question):
        return kind_answer((lang or "en").split("-")[0])
    return None
