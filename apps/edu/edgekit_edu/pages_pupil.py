"""A pupil's own pages: their assigned skills (/learn), the lessons, and practice with each answer checked
exactly (no model). Every page is a plain form: no JavaScript, a 360 px screen."""

# No `from __future__ import annotations`: FastAPI must see the real Request class.

from edgekit.sdk import NotFound, now, require_app_access
from edgekit_edu import practice, school
from edgekit_edu.page_tools import Pages


def add_pupil_pages(pages: Pages, router) -> None:
    from fastapi import Form, Request

    from edgekit_edu.lesson_html import to_html
    from edgekit_edu.lessons import all_lessons, lesson, lessons_for
    from edgekit_edu.skills import skill
    from edgekit_edu.tables import SchoolClass

    app = pages.app

    @router.get("/learn")
    @pages.pupil_page
    def learn(request: Request):
        with app.session() as session:
            pupil = pages.pupil_of(request, session)
            school_class = session.get(SchoolClass, pupil.class_id)
            assigned = school.assigned_skills(session, pupil)
            rows = {s: practice.mastery_row(session, pupil.id, s) for s in assigned}
            current = now()
            due = [s for s, r in rows.items() if r.mastered and r.review_due and r.review_due <= current]
            context = {
                "pupil": pupil,
                "school_class": school_class,
                "assigned": assigned,
                "rows": rows,
                "due": due,
                "lang": pages.lang(request),
            }
            return pages.render(request, "learn.html", context)

    @router.get("/lessons")
    def lessons_page(request: Request, subject: str = ""):
        require_app_access(request, app.id)  # the roles the manifest names, like every page of the app
        lang = pages.lang(request)
        chosen = {}
        for found in all_lessons():
            if subject and found.subject != subject:
                continue
            chosen[found.slug] = lesson(found.slug, lang)
        ordered = sorted(
            chosen.values(),
            key=lambda les: (les.subject != "math", les.subject, getattr(skill(les.skill), "order", 999), les.slug),
        )
        return pages.render(request, "lessons.html", {"lessons": ordered, "subject": subject})

    @router.get("/lessons/{slug}")
    def lesson_page(slug: str, request: Request):
        require_app_access(request, app.id)
        found = lesson(slug, pages.lang(request))
        if found is None:
            raise NotFound("No such lesson.", code="unknown_lesson")
        return pages.render(request, "lesson.html", {"lesson": found, "body": to_html(found.body)})

    @router.get("/practice/{skill_id}")
    @pages.pupil_page
    def practice_page(skill_id: str, request: Request):
        if skill(skill_id) is None:
            raise NotFound("No such skill.", code="unknown_skill")
        lang = pages.lang(request)
        with app.session() as session:
            pupil = pages.pupil_of(request, session)
            item = practice.next_item(session, pupil.id, skill_id, lang)
            row = practice.mastery_row(session, pupil.id, skill_id)
            context = {"item": item, "result": None, "skill_id": skill_id, "row": row}
            return pages.render(request, "practice.html", {**context, "lessons": lessons_for(skill_id, lang)})

    @router.post("/practice/{skill_id}")
    @pages.pupil_page
    def practice_answer(
        skill_id: str, request: Request, item_id: str = Form(..., max_length=96), answer: str = Form("", max_length=200)
    ):
        lang = pages.lang(request)
        with app.session() as session:
            session.expire_on_commit = False  # the page shows what was just written: no re-reading it all
            pupil = pages.pupil_of(request, session, commit=False)
            with practice.RECORDING:  # answers queue here, not in SQLite's busy loop (which sleeps up to 100 ms)
                result = practice.submit(session, pupil, item_id, answer, lang)
                session.commit()  # one transaction: attempt, mastery, the hub's outbox row, the last-seen note
            row = practice.mastery_row(session, pupil.id, result.item.skill)
            context = {"item": result.item, "result": result, "answer": answer, "skill_id": skill_id, "row": row}
            return pages.render(request, "practice.html", {**context, "lessons": lessons_for(skill_id, lang)})
