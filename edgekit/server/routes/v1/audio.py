"""/v1/audio/transcriptions (speech to text) and /v1/audio/speech (text to speech), each in its model's turn."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import PlainTextResponse, Response

from edgekit.answering.turn import turn
from edgekit.errors import BadInput
from edgekit.kit import Kit
from edgekit.server.deps import get_kit, v1_client
from edgekit.server.openai_schemas import SpeechRequest
from edgekit.server.uploads import read_upload

# OpenAI's voice names: a client that sends one gets the box's English voice.
OPENAI_VOICES = {"alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"}
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}([-_][a-z0-9]+)?$")

router = APIRouter()


def speech_language(voice: str | None) -> str:
    """`voice` may be a language code (sw, fr, pt-br) to choose the language; anything else means English."""
    voice = (voice or "").strip().lower()
    return voice if LANGUAGE_CODE.match(voice) and voice not in OPENAI_VOICES else "en"


@router.post("/v1/audio/transcriptions", response_model=None)
async def audio_transcriptions(
    file: UploadFile = File(...),
    model: str | None = Form(None),
    language: str | None = Form(None),
    prompt: str | None = Form(None),
    response_format: str = Form("json"),
    kit: Kit = Depends(get_kit),
    client: str = Depends(v1_client),
) -> dict[str, Any] | PlainTextResponse:
    from edgekit.speech.stt import speech_model_for, transcribe

    if response_format not in ("json", "text", "verbose_json"):
        raise BadInput(
            f"response_format must be json, text or verbose_json, not '{response_format}'.",
            code="unsupported_format",
        )
    audio = await read_upload(file, kit.settings.max_upload_mb)
    words = prompt.split() if prompt else None  # OpenAI's prompt: words the speaker is likely to use
    language = language.strip().lower() if language and language.strip() else None
    async with turn(kit, speech_model_for(kit.manager, language), client):
        transcript = await asyncio.to_thread(transcribe, kit.manager, audio, language, words)
    if response_format == "text":
        return PlainTextResponse(transcript.text)
    if response_format == "json":
        return {"text": transcript.text}
    return {
        "task": "transcribe",
        "language": transcript.language,
        "duration": transcript.duration_s,
        "text": transcript.text,
        "model": transcript.model,
        "segments": [
            {"id": i, "start": s.start, "end": s.end, "text": s.text} for i, s in enumerate(transcript.segments)
        ],
    }


@router.post("/v1/audio/speech")
async def audio_speech(body: SpeechRequest, kit: Kit = Depends(get_kit), client: str = Depends(v1_client)) -> Response:
    from edgekit.speech.tts import synthesize_speech

    if body.response_format not in ("wav", "pcm"):
        raise BadInput(f"Only WAV audio is made on this box, not '{body.response_format}'.", code="unsupported_format")
    lang = body.language or speech_language(body.voice)
    async with turn(kit, kit.manager.model_for("tts"), client):
        speech = await asyncio.to_thread(synthesize_speech, kit.manager, body.input, lang)
    return Response(speech.wav, media_type="audio/wav", headers={"X-Edgekit-Voice": speech.voice})
