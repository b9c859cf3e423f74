"""A teacher's pages: their classes, a class (pupils, the mastery grid, who is stuck, the flags), the sign-in
cards, the tutor's exchanges, one pupil's answers, the CSV export. A teacher sees only their own classes (another's:
404), an admin all; a pupil none (403)."""

# No `from __future__ import annotations`: FastAPI must see the real Request and UploadFile classes.

from edgekit.sdk import BadInput, NotFound, now
from edgekit_edu import progress, school
from edgekit_edu.class_actions import class_action
from edgekit_edu.page_tools import Pages

CSV_LIMIT = 200_000  # a class list of eighty names is a few kilobytes


def add_teacher_pages(pages: Pages, router) -> None:
    from fastapi import File, Form, Request, UploadFile
    from fastapi.responses import Response

    from edgekit_edu.tables import Flag

    app = pages.app

    @router.get("/teach")
    def teach(request: Request, error: str = ""):
        viewer = pages.staff_of(request)
        with app.session() as session:
            classes = school.visible_classes(session, viewer)
            counts = {c.id: len(school.pupils_of(session, c)) for c in classes}
            return pages.render(request, "teach.html", {"classes": classes, "counts": counts, "error": error})

    @router.post("/teach")
    def teach_create(
        request: Request, name: str = Form(..., max_length=64), rule: str = Form("3 of 5"), lang: str = Form("en")
    ):
        viewer = pages.staff_of(request)
        with app.session() as session:
            try:
                made = school.create_class(session, viewer, name, rule, lang)
            except BadInput as bad:
                return pages.go(f"/teach?error={bad.code}")
            app.audit(session, viewer.name, "class.created", made.code)
            session.commit()
            return pages.go(f"/teach/{made.code}")

    @router.get("/teach/{code}")
    def teach_class(code: str, request: Request, error: str = ""):
        viewer = pages.staff_of(request)
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
                "error": error,
            }
            return pages.render(request, "class.html", context)

    @router.post("/teach/{code}/pupils")
    async def teach_pupils(
        code: str,
        request: Request,
        names: str = Form("", max_length=4000),
        kind: str = Form("pin"),
        file: UploadFile | None = File(None),
    ):
        viewer = pages.staff_of(request)
        listed = [line for line in names.splitlines() if line.strip()]
        if file is not None and file.filename:
            data = await file.read(CSV_LIMIT)
            try:
                listed += school.names_from_csv(data.decode("utf-8-sig"))
            except UnicodeDecodeError:
                return pages.go(f"/teach/{code}?error=bad_csv")
        with app.session() as session:
            try:
                made = school.add_pupils(app.kit, session, viewer, code, listed, kind)
            except BadInput as bad:
                return pages.go(f"/teach/{code}?error={bad.code}")
            app.audit(session, viewer.name, "pupils.added", code, f"{len(made)} pupils")
            session.commit()
            cards = [(p.display_name, pin, p.secret_kind) for p, pin in made]
            school_class = school.class_by_code(session, viewer, code)
            return pages.render(request, "cards.html", {"school_class": school_class, "cards": cards})

    @router.post("/teach/{code}/pupils/{pupil_id}/pin")
    def teach_reset(code: str, pupil_id: int, request: Request):
        viewer = pages.staff_of(request)
        with app.session() as session:
            pupil, school_class, pin = school.reset_pin(app.kit, session, viewer, code, pupil_id)
            app.audit(session, viewer.name, "pupil.pin_reset", pupil.account)
            session.commit()
            cards = [(pupil.display_name, pin, pupil.secret_kind)]
            return pages.render(request, "cards.html", {"school_class": school_class, "cards": cards})

    @router.post("/teach/{code}/assign")
    def teach_assign(code: str, request: Request, skill_id: str = Form(..., max_length=64), pupil_id: str = Form("")):
        whom = int(pupil_id) if pupil_id.isdigit() else None
        return class_action(
            pages, request, code, lambda session, viewer, c: school.assign(session, viewer, c.code, skill_id, whom)
        )

    @router.post("/teach/{code}/rule")
    def teach_rule(code: str, request: Request, rule: str = Form(..., max_length=32)):
        return class_action(
            pages, request, code, lambda session, viewer, c: school.set_rule(session, viewer, c.code, rule)
        )

    @router.post("/teach/{code}/teacher")
    def teach_hand_over(code: str, request: Request, teacher: str = Form(..., max_length=64)):
        if not pages.staff_of(request).is_admin:  # said before the class is looked up: no teacher learns codes here
            raise school.NotYours("Only an admin assigns a class to a teacher.")
        return class_action(
            pages,
            request,
            code,
            lambda session, viewer, c: school.hand_over(session, viewer, c.code, teacher),
            audit="class.handed_over",
            detail=teacher,
            then="/teach",
        )

    @router.post("/teach/{code}/flags/{flag_id}")
    def teach_flag(code: str, flag_id: int, request: Request, status: str = Form("seen")):
        def mark(session, viewer, school_class):
            flag = session.get(Flag, flag_id)
            if flag is None or flag.class_id != school_class.id or status not in ("seen", "closed"):
                raise NotFound("No such flag in this class.", code="unknown_flag")
            flag.status, flag.updated_by = status, viewer.name
            session.add(flag)
            app.audit(session, viewer.name, "flag." + status, str(flag_id))

        return class_action(pages, request, code, mark)

    @router.get("/teach/{code}/exchanges")
    def teach_exchanges(code: str, request: Request):
        viewer = pages.staff_of(request)
        with app.session() as session:
            school_class = school.class_by_code(session, viewer, code)
            rows = progress.exchanges(session, school_class)
            return pages.render(request, "exchanges.html", {"school_class": school_class, "rows": rows})

    @router.get("/teach/{code}/pupils/{pupil_id}")
    def teach_pupil(code: str, pupil_id: int, request: Request):
        viewer = pages.staff_of(request)
        with app.session() as session:
            school_class = school.class_by_code(session, viewer, code)
            pupil = school.pupil_visible(session, viewer, pupil_id)
            if pupil.class_id != school_class.id:
                raise NotFound("No such pupil in this class.", code="unknown_pupil")
            answers = progress.pupil_answers(session, pupil)
            return pages.render(
                request, "pupil.html", {"school_class": school_class, "pupil": pupil, "answers": answers}
            )

    @router.get("/teach/{code}/export.csv")
    def teach_export(code: str, request: Request):
        viewer = pages.staff_of(request)
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
