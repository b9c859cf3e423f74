"""A pupil signing in on a shared phone: the class code, their own name from the list, then a PIN or pictures.

A class code opens a list of names, so guessing codes is throttled like guessing PINs (the box's sign-in
throttle: per code as typed, and per phone, whose wrong codes and wrong PINs count together)."""

# No `from __future__ import annotations`: FastAPI must see the real Request class.

from edgekit.sdk import LoginFailed, NotFound, check_guess, now, sign_in
from edgekit_edu import school, signin
from edgekit_edu.page_tools import Pages


def add_join_pages(pages: Pages, router) -> None:
    from fastapi import Form, Request

    app = pages.app

    def class_exists(code: str) -> bool:
        with app.session() as session:
            try:
                signin.class_for_code(session, code)
            except NotFound:
                return False
            return True

    @router.get("/join")
    async def join(request: Request, code: str = "", pupil: int | None = None, error: str = ""):
        if not code:
            return pages.render(request, "join.html", {"step": "code", "error": error})
        code = code.strip().upper()[:8]
        try:
            known = await check_guess(request, f"edu-class:{code}", lambda: class_exists(code))
        except LoginFailed as refused:  # too many wrong codes (or PINs) from this phone: wait, as /login says
            context = {"step": "code", "error": refused.code, "code": code}
            return pages.render(request, "join.html", context, refused.http_status)
        if not known:
            return pages.render(request, "join.html", {"step": "code", "error": "unknown_class", "code": code}, 404)
        with app.session() as session:
            school_class = signin.class_for_code(session, code)
            pupils = school.pupils_of(session, school_class)
            chosen = next((p for p in pupils if p.id == pupil), None)
            context = {
                "step": "secret" if chosen else "name",
                "school_class": school_class,
                "pupils": pupils,
                "chosen": chosen,
                "error": error,
                "code": school_class.code,
            }
            return pages.render(request, "join.html", context)

    @router.post("/join")
    async def join_form(
        request: Request,
        code: str = Form(..., max_length=8),
        pupil: int = Form(...),
        pin: str = Form("", max_length=8),
        picture: list[str] = Form([]),
    ):
        code = code.strip().upper()
        if not await check_guess(request, f"edu-class:{code}", lambda: class_exists(code)):  # the same oracle
            raise NotFound("No class has that code. Check the code with your teacher.", code="unknown_class")
        with app.session() as session:
            school_class = signin.class_for_code(session, code)
            chosen = signin.pupil_in_class(session, school_class, pupil)
            account = chosen.account
            if picture:
                pin = school.pictures_as_pin(picture[:8])
        response = pages.go("/learn")
        try:
            await sign_in(request, response, account, pin)
        except LoginFailed as failed:
            return pages.go(f"/join?code={code}&pupil={pupil}&error={failed.code}")
        with app.session() as session:
            signin.touch(session, session.get(type(chosen), chosen.id), now())
            session.commit()
        return response

    @router.get("/signout")
    def idle_signout(request: Request, code: str = ""):
        """Where an idle pupil page sends itself (a meta refresh, no script): ends the session."""
        return pages.signed_out(request, code.strip().upper()[:8])
