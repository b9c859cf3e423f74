"""The app's pages: plain forms that work without JavaScript on a 360 px phone, each post answered by a
redirect or a page (no double records on reload).

Pupils: /join (class code -> own name -> PIN or pictures), /learn (assigned skills and progress), /lessons,
/practice/<skill>, /tutor. Teachers: /teach (classes), /teach/<code> (pupils, assignments, mastery grid, who is
stuck, flags), its cards, exchanges and CSV export. A pupil never reaches a teacher's page (403), nor another
pupil's work (404), and a teacher only their own classes (404 for others').
"""

# No `from __future__ import annotations`: FastAPI must see the real Request class.

from edgekit.sdk import (
    AppContext,
    BadInput,
    EdgekitError,
    LoginFailed,
    NotFound,
    choose_language,
    current_user,
    now,
    require_app_access,
    sign_in,
    sign_out,
)
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


def add_pages(app: AppContext, router) -> None:
    from fastapi import File, Form, Request, UploadFile
    from fastapi.responses import RedirectResponse, Response

    from edgekit_edu import practice, progress, school, signin
    from edgekit_edu.lesson_html import to_html
    from edgekit_edu.lessons import all_lessons, lesson, lessons_for
    from edgekit_edu.skills import all_skills, skill
    from edgekit_edu.tutor import reply
    from edgekit_edu.tutor_records import record_exchange

    def page(request: Request, template: str, context: dict, status: int = 200):
        values = {
            "pictures": PICTURES,
            "picture_signs": PICTURE_SIGNS,
            "skills": all_skills(),
            "static_url_edu": app.static_url("edu.css"),
            "static_url_voice": app.static_url("voice.js"),
            **context,
        }
        return app.render(request, template, values, status)

    def go(path: str) -> RedirectResponse:
        return RedirectResponse(app.url(path), status_code=303)

    def lang_of(request: Request) -> str:
        return choose_language(request)

    # --- who is asking ------------------------------------------------------------------------------------

    class SignedOut(Exception):
        """A pupil's shared phone was idle: sign it out and go back to the class's name list."""

        def __init__(self, code: str):
            self.code = code

    def pupil_of(request: Request, session, commit: bool = True):
        """The signed-in pupil. commit=False leaves the last-seen note to the caller's own commit (one per answer)."""
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

    def staff_of(request: Request) -> Viewer:
        user = current_user(request)
        if user is None:
            from edgekit.sdk import NotAuthenticated

            raise NotAuthenticated("Sign in as a teacher.")
        if user.role not in ("teacher", "admin"):
            raise EdgekitError("This page is for teachers.", code="teachers_only", http_status=403)
        return Viewer(user.name, user.role)

    def signed_out(request: Request, code: str) -> Response:
        response = go(f"/join?code={code}" if code else "/join")
        sign_out(request, response)
        return response

    def pupil_page(handler):
        """Run a pupil page; an idle or signed-out phone goes back to the name list."""
        import functools
        import inspect

        from starlette.concurrency import run_in_threadpool

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
                return signed_out(request, out.code)

        return run

    # --- sign-in ------------------------------------------------------------------------------------------

    @router.get("/join")
    def join(request: Request, code: str = "", pupil: int | None = None, error: str = ""):
        if not code:
            return page(request, "join.html", {"step": "code", "error": error})
        with app.session() as session:
            try:
                school_class = signin.class_for_code(session, code)
            except NotFound:
                return page(request, "join.html", {"step": "code", "error": "unknown_class", "code": code}, 404)
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
            return page(request, "join.html", context)

    @router.post("/join")
    async def join_form(
        request: Request,
        code: str = Form(..., max_length=8),
        pupil: int = Form(...),
        pin: str = Form("", max_length=8),
        picture: list[str] = Form([]),
    ):
        with app.session() as session:
            school_class = signin.class_for_code(session, code)
            chosen = signin.pupil_in_class(session, school_class, pupil)
            account = chosen.account
            if picture:
                pin = school.pictures_as_pin(picture[:8])
        response = go("/learn")
        try:
            await sign_in(request, response, account, pin)
        except LoginFailed as failed:
            return go(f"/join?code={code}&pupil={pupil}&error={failed.code}")
        with app.session() as session:
            signin.touch(session, session.get(type(chosen), chosen.id), now())
            session.commit()
        return response

    @router.get("/signout")
    def idle_signout(request: Request, code: str = ""):
        """Where an idle pupil page sends itself (a meta refresh, no script): ends the session."""
        return signed_out(request, code.strip().upper()[:8])

    # --- pupils -------------------------------------------------------------------------------------------

    @router.get("/learn")
    @pupil_page
    def learn(request: Request):
        with app.session() as session:
            pupil = pupil_of(request, session)
            from edgekit_edu.practice import mastery_row
            from edgekit_edu.tables import SchoolClass

            school_class = session.get(SchoolClass, pupil.class_id)
            assigned = school.assigned_skills(session, pupil)
            rows = {s: mastery_row(session, pupil.id, s) for s in assigned}
            current = now()
            due = [s for s, r in rows.items() if r.mastered and r.review_due and r.review_due <= current]
            return page(
                request,
                "learn.html",
                {
                    "pupil": pupil,
                    "school_class": school_class,
                    "assigned": assigned,
                    "rows": rows,
                    "due": due,
                    "lang": lang_of(request),
                },
            )

    @router.get("/lessons")
    def lessons_page(request: Request, subject: str = ""):
        require_app_access(request, app.id)  # the roles the manifest names, like every page of the app
        lang = lang_of(request)
        chosen = {}
        for found in all_lessons():
            if subject and found.subject != subject:
                continue
            best = lesson(found.slug, lang)
            chosen[found.slug] = best
        ordered = sorted(
            chosen.values(),
            key=lambda les: (les.subject != "math", les.subject, getattr(skill(les.skill), "order", 999), les.slug),
        )
        return page(request, "lessons.html", {"lessons": ordered, "subject": subject})

    @router.get("/lessons/{slug}")
    def lesson_page(slug: str, request: Request):
        require_app_access(request, app.id)
        found = lesson(slug, lang_of(request))
        if found is None:
            raise NotFound("No such lesson.", code="unknown_lesson")
        return page(request, "lesson.html", {"lesson": found, "body": to_html(found.body)})

    @router.get("/practice/{skill_id}")
    @pupil_page
    def practice_page(skill_id: str, request: Request):
        if skill(skill_id) is None:
            raise NotFound("No such skill.", code="unknown_skill")
        with app.session() as session:
            pupil = pupil_of(request, session)
            item = practice.next_item(session, pupil.id, skill_id, lang_of(request))
            row = practice.mastery_row(session, pupil.id, skill_id)
            return page(
                request,
                "practice.html",
                {
                    "item": item,
                    "result": None,
                    "skill_id": skill_id,
                    "row": row,
                    "lessons": lessons_for(skill_id, lang_of(request)),
                },
            )

    @router.post("/practice/{skill_id}")
    @pupil_page
    def practice_answer(
        skill_id: str, request: Request, item_id: str = Form(..., max_length=96), answer: str = Form("", max_length=200)
    ):
        with app.session() as session:
            session.expire_on_commit = False  # the page shows what was just written: no re-reading it all
            pupil = pupil_of(request, session, commit=False)
            with practice.RECORDING:  # answers queue here, not in SQLite's busy loop (which sleeps up to 100 ms)
                result = practice.submit(session, pupil, item_id, answer, lang_of(request))
                session.commit()  # one transaction: attempt, mastery, the hub's outbox row, the last-seen note
            row = practice.mastery_row(session, pupil.id, result.item.skill)
            return page(
                request,
                "practice.html",
                {
                    "item": result.item,
                    "result": result,
                    "answer": answer,
                    "skill_id": skill_id,
                    "row": row,
                    "lessons": lessons_for(skill_id, lang_of(request)),
                },
            )

    @router.get("/tutor")
    @pupil_page
    def tutor_page(request: Request, item: str = "", attempt: str = "", skill_id: str = ""):
        with app.session() as session:
            pupil_of(request, session)
        found = practice.item_by_id(item, lang_of(request)) if item else None
        return page(
            request,
            "tutor.html",
            {
                "item": found,
                "attempt": attempt[:200],
                "reply": None,
                "skill_id": skill_id or (found.skill if found else ""),
            },
        )

    @router.post("/tutor")
    @pupil_page
    async def tutor_ask(
        request: Request,
        question: str = Form("", max_length=1000),
        item: str = Form("", max_length=96),
        attempt: str = Form("", max_length=200),
        skill_id: str = Form("", max_length=64),
        audio: UploadFile | None = File(None),
    ):
        lang = lang_of(request)
        with app.session() as session:
            pupil = pupil_of(request, session)
            account = pupil.account
        found = practice.item_by_id(item, lang) if item else None
        question = question.strip()
        if not question and found is None:
            raise BadInput("Write your question first.", code="empty_question")
        answer = await reply(
            app.kit, message=question, lang=lang, skill=skill_id, item=found, attempt=attempt, client=f"user:{account}"
        )
        with app.session() as session:
            pupil = school.pupil_for_account(session, account)
            record_exchange(
                session,
                account,
                pupil,
                answer,
                question or (found.prompt if found else ""),
                lang,
                found.skill if found else skill_id,
                found.id if found else "",
            )
            session.commit()
        return page(
            request,
            "tutor.html",
            {"item": found, "attempt": attempt, "reply": answer, "question": question, "skill_id": skill_id},
        )

    # --- teachers -----------------------------------------------------------------------------------------

    @router.get("/teach")
    def teach(request: Request, error: str = ""):
        viewer = staff_of(request)
        with app.session() as session:
            classes = school.visible_classes(session, viewer)
            counts = {c.id: len(school.pupils_of(session, c)) for c in classes}
            return page(request, "teach.html", {"classes": classes, "counts": counts, "error": error})

    @router.post("/teach")
    def teach_create(
        request: Request, name: str = Form(..., max_length=64), rule: str = Form("3 of 5"), lang: str = Form("en")
    ):
        viewer = staff_of(request)
        with app.session() as session:
            try:
                made = school.create_class(session, viewer, name, rule, lang)
            except BadInput as bad:
                return go(f"/teach?error={bad.code}")
            app.audit(session, viewer.name, "class.created", made.code)
            session.commit()
            return go(f"/teach/{made.code}")

    def class_page(request: Request, code: str, extra: dict | None = None, status: int = 200):
        viewer = staff_of(request)
        with app.session() as session:
            school_class = school.class_by_code(session, viewer, code)
            pupils, skills, cells = progress.grid(session, school_class, now())
            context = {
                "school_class": school_class,
                "pupils": pupils,
                "class_skills": skills,
                "cells": cells,
                "stuck": progress.stuck(session, school_class),
                "flags": progress.flags(session, school_class),
                "viewer": viewer,
                "error": "",
                **(extra or {}),
            }
            return page(request, "class.html", context, status)

    @router.get("/teach/{code}")
    def teach_class(code: str, request: Request, error: str = ""):
        return class_page(request, code, {"error": error})

    @router.post("/teach/{code}/pupils")
    async def teach_pupils(
        code: str,
        request: Request,
        names: str = Form("", max_length=4000),
        kind: str = Form("pin"),
        file: UploadFile | None = File(None),
    ):
        viewer = staff_of(request)
        listed = [line for line in names.splitlines() if line.strip()]
        if file is not None and file.filename:
            data = await file.read(200_000)
            try:
                listed += school.names_from_csv(data.decode("utf-8-sig"))
            except UnicodeDecodeError:
                return go(f"/teach/{code}?error=bad_csv")
        with app.session() as session:
            try:
                made = school.add_pupils(app.kit, session, viewer, code, listed, kind)
            except BadInput as bad:
                return go(f"/teach/{code}?error={bad.code}")
            app.audit(session, viewer.name, "pupils.added", code, f"{len(made)} pupils")
            session.commit()
            cards = [(p.display_name, pin, p.secret_kind) for p, pin in made]
            school_class = school.class_by_code(session, viewer, code)
            return page(request, "cards.html", {"school_class": school_class, "cards": cards})

    @router.post("/teach/{code}/pupils/{pupil_id}/pin")
    def teach_reset(code: str, pupil_id: int, request: Request):
        viewer = staff_of(request)
        with app.session() as session:
            pupil, school_class, pin = school.reset_pin(app.kit, session, viewer, code, pupil_id)
            app.audit(session, viewer.name, "pupil.pin_reset", pupil.account)
            session.commit()
            return page(
                request,
                "cards.html",
                {"school_class": school_class, "cards": [(pupil.display_name, pin, pupil.secret_kind)]},
            )

    @router.post("/teach/{code}/assign")
    def teach_assign(code: str, request: Request, skill_id: str = Form(..., max_length=64), pupil_id: str = Form("")):
        viewer = staff_of(request)
        with app.session() as session:
            try:
                school.assign(session, viewer, code, skill_id, int(pupil_id) if pupil_id.isdigit() else None)
            except BadInput as bad:
                return go(f"/teach/{code}?error={bad.code}")
            session.commit()
        return go(f"/teach/{code}")

    @router.post("/teach/{code}/rule")
    def teach_rule(code: str, request: Request, rule: str = Form(..., max_length=32)):
        viewer = staff_of(request)
        with app.session() as session:
            try:
                school.set_rule(session, viewer, code, rule)
            except BadInput as bad:
                return go(f"/teach/{code}?error={bad.code}")
            session.commit()
        return go(f"/teach/{code}")

    @router.post("/teach/{code}/teacher")
    def teach_hand_over(code: str, request: Request, teacher: str = Form(..., max_length=64)):
        viewer = staff_of(request)
        with app.session() as session:
            try:
                school.hand_over(session, viewer, code, teacher)
            except BadInput as bad:
                return go(f"/teach/{code}?error={bad.code}")
            app.audit(session, viewer.name, "class.handed_over", code, teacher)
            session.commit()
        return go("/teach")

    @router.post("/teach/{code}/flags/{flag_id}")
    def teach_flag(code: str, flag_id: int, request: Request, status: str = Form("seen")):
        from edgekit_edu.tables import Flag

        viewer = staff_of(request)
        with app.session() as session:
            school_class = school.class_by_code(session, viewer, code)
            flag = session.get(Flag, flag_id)
            if flag is None or flag.class_id != school_class.id or status not in ("seen", "closed"):
                raise NotFound("No such flag in this class.", code="unknown_flag")
            flag.status, flag.updated_by = status, viewer.name
            session.add(flag)
            app.audit(session, viewer.name, "flag." + status, str(flag_id))
            session.commit()
        return go(f"/teach/{code}")

    @router.get("/teach/{code}/exchanges")
    def teach_exchanges(code: str, request: Request):
        viewer = staff_of(request)
        with app.session() as session:
            school_class = school.class_by_code(session, viewer, code)
            rows = progress.exchanges(session, school_class)
            return page(request, "exchanges.html", {"school_class": school_class, "rows": rows})

    @router.get("/teach/{code}/pupils/{pupil_id}")
    def teach_pupil(code: str, pupil_id: int, request: Request):
        viewer = staff_of(request)
        with app.session() as session:
            school_class = school.class_by_code(session, viewer, code)
            pupil = school.pupil_visible(session, viewer, pupil_id)
            if pupil.class_id != school_class.id:
                raise NotFound("No such pupil in this class.", code="unknown_pupil")
            return page(
                request,
                "pupil.html",
                {"school_class": school_class, "pupil": pupil, "answers": progress.pupil_answers(session, pupil)},
            )

    @router.get("/teach/{code}/export.csv")
    def teach_export(code: str, request: Request):
        viewer = staff_of(request)
        with app.session() as session:
            school_class = school.class_by_code(session, viewer, code)
            text, name = progress.grid_csv(session, school_class, now()), school_class.code
            app.audit(session, viewer.name, "class.exported", code)
            session.commit()
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
