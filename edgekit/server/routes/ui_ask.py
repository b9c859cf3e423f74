"""Asking an app from the phone: its page, a question by text or voice, the answer with its sources, read aloud.

With JavaScript the page streams the answer from POST /apps/<id>/api/ask (routes/apps.py) and records voice in
the browser; without it, the same form posts here and the answer page is rendered on the box, by the same
grounded pipeline. A voice question is a recording (the phone's recorder through a file field, or MediaRecorder)
transcribed by the same function as /v1/audio/transcriptions.
"""

# No `from __future__ import annotations`: FastAPI must see the real Request class, imported in the hook.

from edgekit.hookspecs import hookimpl

APP_PAGE = "app.html"
SPOKEN_LANGUAGES = ("en", "sw", "fr")


@hookimpl
def register_routes(router):
    import asyncio

    from fastapi import Depends, File, Form, Request, UploadFile
    from fastapi.responses import Response

    from edgekit.errors import BadInput
    from edgekit.grounded import answer_question, busy_with_guard, needs_model_turn, screen_question
    from edgekit.kit import Kit
    from edgekit.knowledge.language import guess_language
    from edgekit.power.records import SPEECH_IN, SPEECH_OUT, measured
    from edgekit.scheduler import QueueFull
    from edgekit.server.deps import client_key, get_kit, require_app_access
    from edgekit.server.i18n import choose_language
    from edgekit.server.pages import pages_of, render
    from edgekit.server.uploads import read_upload

    async def in_turn(kit: Kit, model_id: str, client: str, work):
        """Run blocking `work` in a thread once this client's turn at the model comes (queue_full when full)."""
        ticket = kit.scheduler.queue(model_id).enter(client)
        try:
            await ticket.turn()
            return await asyncio.to_thread(work)
        finally:
            ticket.release()

    async def transcribe_upload(kit: Kit, request: Request, user, audio: UploadFile, lang: str | None):
        from edgekit.speech.stt import speech_model_for, transcribe

        data = await read_upload(audio, kit.settings.max_upload_mb)
        lang = lang if lang in SPOKEN_LANGUAGES else None
        model_id = speech_model_for(kit.manager, lang)
        app_id = request.path_params.get("app_id")
        work = lambda: measured(kit, SPEECH_IN, app_id, lambda: transcribe(kit.manager, data, lang))  # noqa: E731
        return await in_turn(kit, model_id, client_key(request, user), work)

    def app_page(request: Request, app_id: str, manifest, user, context: dict, status: int = 200):
        """The ask page (or the app's own app.html), with its links for this user's role and the answer, if any."""
        values = {
            "app": manifest,
            "links": pages_of(request).app_links(app_id, user.role if user else "guest"),
            "question": "",
            "result": None,
            "error": None,
            **context,
        }
        return render(request, [f"{app_id}/{APP_PAGE}", APP_PAGE], values, status=status)

    @router.get("/apps/{app_id}")
    def app_home(app_id: str, request: Request):
        manifest, user = require_app_access(request, app_id)
        return app_page(request, app_id, manifest, user, {})

    @router.post("/apps/{app_id}/ask")
    async def ask_form(
        app_id: str,
        request: Request,
        question: str = Form("", max_length=2000),
        audio: UploadFile | None = File(None),
        kit: Kit = Depends(get_kit),
    ):
        """The answer page, rendered on the box: what a phone without JavaScript (or with it broken) gets."""
        manifest, user = require_app_access(request, app_id)
        question = question.strip()
        heard = None
        if not question and audio is not None and audio.filename:
            heard = await transcribe_upload(kit, request, user, audio, choose_language(request))
            question = heard.text.strip()
        if not question:
            context = {"error": "audio_silent" if heard else "empty_question"}
            return app_page(request, app_id, manifest, user, context, status=400)
        screened = screen_question(kit, app_id, question)

        def answer():
            return answer_question(kit, app_id, question, user_id=user.id if user else None, screened=screened)

        try:
            if needs_model_turn(kit, screened):
                result = await in_turn(kit, kit.manager.model_for("chat"), client_key(request, user), answer)
            else:  # the guard's whole answer, or the documents alone: no model, so no turn and no queue
                result = await asyncio.to_thread(answer)
        except QueueFull:
            if screened.guarded is None:
                raise
            result = busy_with_guard(app_id, screened, None)  # a referral is never hidden by a full queue
        context = {"question": question, "result": result, "heard": heard is not None}
        return app_page(request, app_id, manifest, user, context)

    @router.post("/apps/{app_id}/api/transcribe")
    async def transcribe_voice(
        app_id: str,
        request: Request,
        audio: UploadFile = File(...),
        lang: str | None = Form(None),
        kit: Kit = Depends(get_kit),
    ) -> dict:
        """A recorded question to text (WebM/Opus from MediaRecorder, or any recording a phone makes)."""
        _manifest, user = require_app_access(request, app_id)
        transcript = await transcribe_upload(kit, request, user, audio, lang)
        return {"text": transcript.text.strip(), "language": transcript.language, "duration_s": transcript.duration_s}

    @router.post("/apps/{app_id}/speak")
    async def speak_answer(
        app_id: str,
        request: Request,
        text: str = Form(..., max_length=8000),
        lang: str | None = Form(None),
        kit: Kit = Depends(get_kit),
    ):
        """An answer read aloud, as WAV: fetched by the page's script, or opened directly by a form without it.
        Spoken in the answer's own language (an English page may hold a Swahili answer)."""
        from edgekit.speech.tts import MAX_SPEECH_CHARS, synthesize_speech

        _manifest, user = require_app_access(request, app_id)
        if lang not in SPOKEN_LANGUAGES:
            lang = guess_language(text) or choose_language(request)
        text = text[:MAX_SPEECH_CHARS]
        if not text.strip():
            raise BadInput("There is nothing to read aloud.", code="empty_text")
        speech = await in_turn(
            kit,
            kit.manager.model_for("tts"),
            client_key(request, user),
            lambda: measured(kit, SPEECH_OUT, app_id, lambda: synthesize_speech(kit.manager, text, lang)),
        )
        return Response(
            speech.wav,
            media_type="audio/wav",
            headers={"X-Edgekit-Voice": speech.voice, "Cache-Control": "no-store", "Content-Disposition": "inline"},
        )

    @router.get("/apps/{app_id}/source")
    def source(app_id: str, title: str, request: Request, kit: Kit = Depends(get_kit)):
        """A cited document, whole, as it is on the box: the citation's title names it within the app."""
        from edgekit.knowledge.reading import documents_titled

        manifest, _user = require_app_access(request, app_id)
        documents = documents_titled(kit, app_id, title)
        if not documents:
            raise BadInput(
                f"No document titled '{title}' in {manifest.name}.", code="unknown_document", http_status=404
            )
        return render(request, "source.html", {"app": manifest, "documents": documents})
