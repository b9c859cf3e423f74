"""What every page of the app shares: rendering with the app's own values, redirects after a post, and who is
asking. A pupil's shared phone left idle is signed out and sent back to the class's name list."""

# No `from __future__ import annotations`: FastAPI must see the real Request class in the wrapped handlers.

import functools
import inspect

from starlette.concurrency import run_in_threadpool

from edgekit.sdk import AppContext, EdgekitError, choose_language, current_user, now, sign_out
from edgekit_edu import school, signin
from edgekit_edu.school import PICTURES, Viewer

PICTURE_SIGNS = {
    "sun": "☀",
    "moon": "☾",
    "tree": "♣",
    "fish": "♓",
    "bird": "✈",
    "cow": "♉",
    "ball": "●",
    "house": "⌂",
    "star": "★",
}


class SignedOut(Exception):
    """A pupil's shared phone was idle (or is signed out): back to the class's name list."""

    def __init__(self, code: str):
        self.code = code


class Pages:
    """The app's pages' common steps, bound to the app."""

    def __init__(self, app: AppContext):
        self.app = app

    def render(self, request, template: str, context: dict, status: int = 200):
        from edgekit_edu.skills import all_skills

        values = {
            "pictures": PICTURES,
            "picture_signs": PICTURE_SIGNS,
            "skills": all_skills(),
            "static_url_edu": self.app.static_url("edu.css"),
            "static_url_voice": self.app.static_url("voice.js"),
            **context,
        }
        return self.app.render(request, template, values, status)

    def go(self, path: str):
        """A 303 to one of the app's pages: a reloaded page never posts twice."""
        from fastapi.responses import RedirectResponse

        return RedirectResponse(self.app.url(path), status_code=303)

    @staticmethod
    def lang(request) -> str:
        return choose_language(request)

    def pupil_of(self, request, session, commit: bool = True):
        """The signed-in pupil (and a note that they are active); SignedOut for a visitor or an idle phone.
        commit=False leaves the last-seen note to the caller's own commit (one per answer)."""
        user = current_user(request)
        if user is None:
            raise SignedOut("")
        if user.role != "student":
            raise EdgekitError("This page is for pupils.", code="pupils_only", http_status=403)
        pupil = school.pupil_for_account(session, user.name)
        if pupil is None:
            raise EdgekitError("This account is not a pupil of any class.", code="not_a_pupil", http_status=403)
        current = now()
        if signin.is_idle(pupil, current):
            from edgekit_edu.tables import SchoolClass

            raise SignedOut(session.get(SchoolClass, pupil.class_id).code)
        if signin.touch(session, pupil, current) and commit:
            session.commit()
        return pupil

    @staticmethod
    def staff_of(request) -> Viewer:
        user = current_user(request)
        if user is None:
            from edgekit.sdk import NotAuthenticated

            raise NotAuthenticated("Sign in as a teacher.")
        if user.role not in ("teacher", "admin"):
            raise EdgekitError("This page is for teachers.", code="teachers_only", http_status=403)
        return Viewer(user.name, user.role)

    def signed_out(self, request, code: str):
        response = self.go(f"/join?code={code}" if code else "/join")
        sign_out(request, response)
        return response

    def pupil_page(self, handler):
        """Run a pupil page; an idle or signed-out phone goes back to the name list."""

        @functools.wraps(handler)
        async def run(*args, **kwargs):
            request = kwargs["request"]
            try:
                if inspect.iscoroutinefunction(handler):
                    return await handler(*args, **kwargs)
                # a plain page runs off the event loop in FastAPI's own threadpool (40 threads), as its sync routes
                # do: asyncio's default executor has cpu+4 = 6, and thirty phones queued behind them
                return await run_in_threadpool(handler, *args, **kwargs)
            except SignedOut as out:
                return self.signed_out(request, out.code)

        return run
