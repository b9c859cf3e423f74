"""The app's JSON API under /apps/edu/api, with roles: skills and practice items for anyone the app lets in;
checking and hints for pupils (recorded as their work) and staff (not recorded); classes and progress for a
teacher's own classes (an admin's: all)."""

# No `from __future__ import annotations`: FastAPI must see the real Request and model classes.

from pydantic import BaseModel, Field

from edgekit.sdk import AppContext, BadInput, Forbidden, NotAuthenticated, now, require_app_user

MAX_ITEMS = 20


class CheckIn(BaseModel):
    item_id: str = Field(max_length=96)
    answer: str = Field(max_length=200)
    lang: str | None = Field(default=None, max_length=8)


class HintIn(BaseModel):
    problem: str = Field(default="", max_length=1000)
    item_id: str | None = Field(default=None, max_length=96)
    attempt: str = Field(default="", max_length=200)
    lang: str | None = Field(default=None, max_length=8)


class ClassIn(BaseModel):
    name: str = Field(max_length=64)
    rule: str = Field(default="3 of 5", max_length=32)
    lang: str = Field(default="en", max_length=8)
    teacher: str | None = Field(default=None, max_length=64)


class PupilsIn(BaseModel):
    names: list[str] = Field(max_length=80)
    kind: str = Field(default="pin", max_length=16)


class AssignIn(BaseModel):
    skill: str = Field(max_length=64)
    pupil_id: int | None = None


def language(lang: str | None, request) -> str:
    from edgekit.sdk import choose_language

    return lang if lang in ("en", "sw", "fr") else choose_language(request)


def add_api(app: AppContext, router) -> None:
    from fastapi import Depends, Request

    from edgekit_edu import practice, progress, school
    from edgekit_edu.skills import all_skills, skill
    from edgekit_edu.tutor import reply
    from edgekit_edu.tutor_records import record_exchange

    member = require_app_user(app.id)

    def viewer_of(user) -> school.Viewer:
        if user is None:
            raise NotAuthenticated("Sign in first.")
        return school.Viewer(user.name, user.role)

    def staff(user) -> school.Viewer:
        viewer = viewer_of(user)
        if viewer.role not in ("teacher", "admin"):
            raise Forbidden("Only teachers and admins see classes.")
        return viewer

    @router.get("/api/skills")
    def skills_list(request: Request, lang: str | None = None, user=Depends(member)) -> dict:
        lang = language(lang, request)
        return {"skills": [s.as_dict(lang) for s in all_skills().values()]}

    @router.get("/api/practice/{skill_id}")
    def practice_items(
        skill_id: str, request: Request, n: int = 5, lang: str | None = None, user=Depends(member)
    ) -> dict:
        if skill(skill_id) is None:
            raise BadInput(f"Unknown skill {skill_id!r}.", code="unknown_skill")
        if not 1 <= n <= MAX_ITEMS:
            raise BadInput(f"n is 1 to {MAX_ITEMS}.", code="bad_count")
        lang = language(lang, request)
        with app.session() as session:
            pupil = school.pupil_for_account(session, user.name) if user else None
            items = [practice.next_item(session, pupil.id if pupil else None, skill_id, lang) for _ in range(n)]
        return {"skill": skill_id, "items": [item.public() for item in items]}

    @router.post("/api/check")
    def check_answer(body: CheckIn, request: Request, user=Depends(member)) -> dict:
        viewer = viewer_of(user)
        lang = language(body.lang, request)
        with app.session() as session:
            pupil = school.pupil_for_account(session, viewer.name)
            if pupil is None:  # staff trying an item: checked, not recorded
                from edgekit_edu.checking import check

                item = practice.item_by_id(body.item_id, lang)
                verdict = check(item, body.answer)
                return {
                    "outcome": verdict.outcome,
                    "correct": verdict.correct,
                    "explain": item.explain,
                    "recorded": False,
                }
            with practice.RECORDING:
                result = practice.submit(session, pupil, body.item_id, body.answer, lang)
                session.commit()
        return {
            "outcome": result.verdict.outcome,
            "correct": result.verdict.correct,
            "explain": result.item.explain if result.verdict.counts else "",
            "recorded": True,
            "counted": result.counted,
            "mastered": result.mastered,
            "just_mastered": result.just_mastered,
            "progress": list(result.progress),
            "reviewing": result.reviewing,
        }

    @router.post("/api/hint")
    async def hint(body: HintIn, request: Request, user=Depends(member)) -> dict:
        viewer = viewer_of(user)
        lang = language(body.lang, request)
        item = practice.item_by_id(body.item_id, lang) if body.item_id else None
        if item is None and not body.problem.strip():
            raise BadInput("Give a problem or an item_id.", code="empty_question")
        answer = await reply(
            app.kit, message=body.problem, lang=lang, item=item, attempt=body.attempt, client=f"user:{viewer.name}"
        )
        with app.session() as session:
            pupil = school.pupil_for_account(session, viewer.name)
            record_exchange(
                session,
                viewer.name,
                pupil,
                answer,
                body.problem or (item.prompt if item else ""),
                lang,
                item.skill if item else "",
                item.id if item else "",
            )
            session.commit()
        return answer.as_dict()

    @router.get("/api/classes")
    def classes(user=Depends(member)) -> dict:
        viewer = staff(user)
        with app.session() as session:
            found = school.visible_classes(session, viewer)
            return {
                "classes": [
                    {
                        "code": c.code,
                        "name": c.name,
                        "teacher": c.teacher,
                        "rule": c.rule,
                        "pupils": len(school.pupils_of(session, c)),
                    }
                    for c in found
                ]
            }

    @router.post("/api/classes")
    def create_class(body: ClassIn, user=Depends(member)) -> dict:
        viewer = staff(user)
        with app.session() as session:
            made = school.create_class(session, viewer, body.name, body.rule, body.lang, body.teacher)
            app.audit(session, viewer.name, "class.created", made.code)
            session.commit()
            return {"code": made.code, "name": made.name, "teacher": made.teacher, "rule": made.rule}

    @router.post("/api/classes/{code}/pupils")
    def add_pupils(code: str, body: PupilsIn, user=Depends(member)) -> dict:
        viewer = staff(user)
        with app.session() as session:
            made = school.add_pupils(app.kit, session, viewer, code, body.names, body.kind)
            app.audit(session, viewer.name, "pupils.added", code, f"{len(made)} pupils")
            session.commit()
            return {
                "pupils": [{"id": p.id, "name": p.display_name, "pin": pin, "kind": p.secret_kind} for p, pin in made]
            }

    @router.post("/api/classes/{code}/assign")
    def assign(code: str, body: AssignIn, user=Depends(member)) -> dict:
        viewer = staff(user)
        with app.session() as session:
            school.assign(session, viewer, code, body.skill, body.pupil_id)
            session.commit()
        return {"assigned": body.skill}

    @router.get("/api/progress/{code}")
    def class_progress(code: str, user=Depends(member)) -> dict:
        viewer = staff(user)
        with app.session() as session:
            school_class = school.class_by_code(session, viewer, code)
            pupils, skills, cells = progress.grid(session, school_class, now())
            return {
                "class": school_class.code,
                "skills": skills,
                "rule": school_class.rule,
                "pupils": [
                    {
                        "id": p.id,
                        "name": p.display_name,
                        "skills": {s: vars(cells[(p.id, s)]) for s in skills if (p.id, s) in cells},
                    }
                    for p in pupils
                ],
                "stuck": [
                    {"pupil": p.display_name, "skill": m.skill, "hints": m.hints}
                    for p, m in progress.stuck(session, school_class)
                ],
            }
