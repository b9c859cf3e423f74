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
    """The box's own ask page for this app: the tutor's safeguarding guard, with the same flag for the teacher;
    and a pupil is sent to the tutor, whose hints never give an item's answer (this page's answers would)."""
    from edgekit_edu.safeguarding import disclosure, kind_answer
    from edgekit_edu.topic import ask_the_tutor

    lang = (lang or "en").split("-")[0]
    if kind := disclosure(question):
        if user is not None:
            _flag_for_teacher(app, user.name, kind, question)
        return kind_answer(lang)
    if user is not None and user.role == "student":
        return ask_the_tutor(lang)
    return None


def _flag_for_teacher(app: AppContext, account: str, kind: str, message: str) -> None:
    from edgekit_edu.school import pupil_for_account
    from edgekit_edu.tables import Flag

    with app.session() as session:
        pupil = pupil_for_account(session, account)
        if pupil is None:
            return  # a teacher or an admin: no class to tell
        reason = f"safeguarding:{kind}"[:32]
        session.add(Flag(pupil_id=pupil.id, class_id=pupil.class_id, reason=reason, message=message[:1000]))
        session.commit()
