"""The tutor's page: a pupil asks by text, or by voice without JavaScript (a recording from the phone's own
recorder, through a file field, transcribed on the box and answered like a typed question), and hears the hint
read aloud through a plain <audio> element or link. The tutor's guard runs before any model (edgekit_edu.tutor)."""

# No `from __future__ import annotations`: FastAPI must see the real Request and UploadFile classes.

from edgekit.sdk import BadInput, NotFound, speak, transcribe_recording
from edgekit_edu import practice, school
from edgekit_edu.page_tools import Pages


def add_tutor_pages(pages: Pages, router) -> None:
    from fastapi import File, Form, Request, UploadFile

    from edgekit_edu.tables import TutorExchange
    from edgekit_edu.tutor import reply
    from edgekit_edu.tutor_records import record_exchange

    app = pages.app

    def tutor_page(request, found, attempt: str, skill_id: str, **more):
        status = more.pop("status", 200)
        context = {"item": found, "attempt": attempt[:200], "reply": None, "skill_id": skill_id, "error": ""}
        return pages.render(request, "tutor.html", {**context, **more}, status)

    @router.get("/tutor")
    @pages.pupil_page
    def tutor_form(request: Request, item: str = "", attempt: str = "", skill_id: str = ""):
        with app.session() as session:
            pages.pupil_of(request, session)
        found = practice.item_by_id(item, pages.lang(request)) if item else None
        return tutor_page(request, found, attempt, skill_id or (found.skill if found else ""))

    @router.post("/tutor")
    @pages.pupil_page
    async def tutor_ask(
        request: Request,
        question: str = Form("", max_length=1000),
        item: str = Form("", max_length=96),
        attempt: str = Form("", max_length=200),
        skill_id: str = Form("", max_length=64),
        audio: UploadFile | None = File(None),
    ):
        lang = pages.lang(request)
        with app.session() as session:
            account = pages.pupil_of(request, session).account
        found = practice.item_by_id(item, lang) if item else None
        question = question.strip()
        if not question and audio is not None and audio.filename:  # the phone's recorder, no JavaScript
            try:
                question = await transcribe_recording(request, audio, app_id=app.id, lang=lang)
            except BadInput as unheard:  # silence, not audio, too large: said on the page, the form kept
                return tutor_page(request, found, attempt, skill_id, error=unheard.code, status=unheard.http_status)
            if not question:
                return tutor_page(request, found, attempt, skill_id, error="audio_silent", status=400)
        if not question and found is None:
            raise BadInput("Write your question first.", code="empty_question")
        answer = await reply(
            app.kit, message=question, lang=lang, skill=skill_id, item=found, attempt=attempt, client=f"user:{account}"
        )
        with app.session() as session:
            pupil = school.pupil_for_account(session, account)
            exchange = record_exchange(
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
            exchange_id = exchange.id
        return tutor_page(request, found, attempt, skill_id, reply=answer, question=question, exchange_id=exchange_id)

    @router.get("/tutor/{exchange_id}/speech")
    @pages.pupil_page
    async def tutor_speech(exchange_id: int, request: Request):
        """The tutor's answer read aloud (WAV), for the pupil who asked: an <audio src> or a link, no script."""
        with app.session() as session:
            pupil = pages.pupil_of(request, session)
            exchange = session.get(TutorExchange, exchange_id)
            if exchange is None or exchange.pupil_id != pupil.id:  # another pupil's is not theirs to know of
                raise NotFound("No such answer of yours.", code="unknown_exchange")
            text, lang = exchange.answer, exchange.lang
        return await speak(request, text, app_id=app.id, lang=lang)
