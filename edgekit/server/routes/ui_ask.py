"""Asking an app from the phone: its page, a question by text or voice, the answer with its sources, read aloud.

With JavaScript the page streams the answer from POST /apps/<id>/api/ask (routes/apps.py) and records voice in
the browser; without it, the same form posts here and the answer page is rendered on the box. Both render the
one answering flow (edgekit/answering/flow.py): a guard's whole answer never waits in the chat model's queue
here either, and a guard's words are never hidden by a full one. A voice question is a recording (the phone's
recorder through a file field, or MediaRecorder) transcribed by the same function as /v1/audio/transcriptions.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from edgekit.answering import ask_app, run_in_turn
from edgekit.errors import BadInput
from edgekit.kit import Kit
from edgekit.knowledge.language import guess_language
from edgekit.power.records import SPEECH_IN, SPEECH_OUT, measured
from edgekit.server.deps import client_key, get_kit, require_app_access
from edgekit.server.i18n import choose_language
from edgekit.server.pages import pages_of, render
from edgekit.server.uploads import read_upload

APP_PAGE = "app.html"
SPOKEN_LANGUAGES = ("en", "sw", "fr")

router = APIRouter()


async def transcribe_upload(
    kit: Kit, request: Request, user: Any, audio: UploadFile, lang: str | None, app_id: str | None = None
) -> Any:
    from edgekit.speech.stt import speech_model_for, transcribe

    data = await read_upload(audio, kit.settings.max_upload_mb)
    lang = lang if lang in SPOKEN_LANGUAGES else None
    app_id = app_id or request.path_params.get("app_id")
    return await run_in_turn(
        kit,
        speech_model_for(kit.manager, lang),
        client_key(request, user),
        lambda _cancel: measured(kit, SPEECH_IN, app_id, lambda: transcribe(kit.manager, data, lang)),
    )


def app_page(
    request: Request, app_id: str, manifest: Any, user: Any, context: dict[str, Any], status: int = 200
) -> Any:
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
def app_home(app_id: str, request: Request) -> Any:
    manifest, user = require_app_access(request, app_id)
    return app_page(request, app_id, manifest, user, {})


@router.post("/apps/{app_id}/ask")
async def ask_form(
    app_id: str,
    request: Request,
    question: str = Form("", max_length=2000),
    audio: UploadFile | None = File(None),
    kit: Kit = Depends(get_kit),
) -> Any:
    """The answer page, rendered on the box: what a phone without JavaScript (or with it broken) gets."""
    manifest, user = require_app_access(request, app_id)
    question = question.strip()
    heard = None
    if not question and audio is not None and audio.filename:
        heard = await transcribe_upload(kit, request, user, audio, choose_language(request))
        question = heard.text.strip()
    if not question:
        error = "audio_silent" if heard else "empty_question"
        return app_page(request, app_id, manifest, user, {"error": error}, status=400)
    asked = await ask_app(kit, app_id, question, client=client_key(request, user), user=user)
    result = await asked.result()  # the same flow as the streamed API: a guard never waits in the queue
    return app_page(
        request, app_id, manifest, user, {"question": question, "result": result, "heard": heard is not None}
    )


@router.post("/apps/{app_id}/api/transcribe")
async def transcribe_voice(
    app_id: str,
    request: Request,
    audio: UploadFile = File(...),
    lang: str | None = Form(None),
    kit: Kit = Depends(get_kit),
) -> dict[str, Any]:
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
) -> Response:
    """An answer read aloud, as WAV: fetched by the page's script, or opened directly by a form without it.
    Spoken in the answer's own language (an English page may hold a Swahili answer)."""
    _manifest, user = require_app_access(request, app_id)
    return await speak_text(kit, request, user, app_id, text, lang)


async def speak_text(kit: Kit, request: Request, user: Any, app_id: str, text: str, lang: str | None) -> Response:
    """Text read aloud as a WAV response, in the text's own language, in the asker's fair turn at the voice."""
    from edgekit.speech.tts import MAX_SPEECH_CHARS, synthesize_speech

    if lang not in SPOKEN_LANGUAGES:
        lang = guess_language(text) or choose_language(request)
    text = text[:MAX_SPEECH_CHARS]
    if not text.strip():
        raise BadInput("There is nothing to read aloud.", code="empty_text")
    speech = await run_in_turn(
        kit,
        kit.manager.model_for("tts"),
        client_key(request, user),
        lambda _cancel: measured(kit, SPEECH_OUT, app_id, lambda: synthesize_speech(kit.manager, text, lang)),
    )
    return Response(
        speech.wav,
        media_type="audio/wav",
        headers={"X-Edgekit-Voice": speech.voice, "Cache-Control": "no-store", "Content-Disposition": "inline"},
    )


@router.get("/apps/{app_id}/source")
def source(app_id: str, title: str, request: Request, kit: Kit = Depends(get_kit)) -> Any:
    """A cited document, whole, as it is on the box: the citation's title names it within the app."""
    from edgekit.knowledge.reading import documents_titled

    manifest, _user = require_app_access(request, app_id)
    documents = documents_titled(kit, app_id, title)
    if not documents:
        raise BadInput(f"No document titled '{title}' in {manifest.name}.", code="unknown_document", http_status=404)
    return render(request, "source.html", {"app": manifest, "documents": documents})
