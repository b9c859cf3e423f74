"""OpenAI-compatible /v1 routes, for the clients people already have.

Every request takes a place in its model's fair queue before it runs: a full queue answers 429 with Retry-After,
waiting clients are served in turn, and a request once running is served to its end. A client that disconnects
stops its generation within a token. Errors come in OpenAI's shape (see edgekit.server.errors).
"""

# No `from __future__ import annotations`: FastAPI must see the request models defined inside the hook.

import base64
import json
import re
import threading
import time
import uuid

from edgekit.hookspecs import hookimpl
from edgekit.server.openai_schemas import ChatRequest, CompletionRequest, EmbeddingRequest, SpeechRequest

MAX_ANSWER_TOKENS = 1024
# OpenAI's voice names: a client that sends one gets the box's English voice.
OPENAI_VOICES = {"alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"}
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}([-_][a-z0-9]+)?$")


def speech_language(voice: str | None) -> str:
    """`voice` may be a language code (sw, fr, pt-br) to choose the language; anything else means English."""
    voice = (voice or "").strip().lower()
    return voice if LANGUAGE_CODE.match(voice) and voice not in OPENAI_VOICES else "en"


MAX_EMBED_INPUTS = 256


@hookimpl
def register_routes(router):
    import asyncio
    from contextlib import asynccontextmanager

    from fastapi import Depends, File, Form, Request, UploadFile
    from fastapi.responses import PlainTextResponse, Response, StreamingResponse
    from starlette.background import BackgroundTask

    from edgekit.engines.llm_llamacpp import Generation
    from edgekit.errors import BadInput, ChatDisabled, EdgekitError
    from edgekit.kit import Kit
    from edgekit.server.deps import get_kit, v1_client
    from edgekit.server.streaming import stream_in_turn, watch_disconnect
    from edgekit.server.uploads import read_upload

    @asynccontextmanager
    async def turn_at(kit: Kit, model_id: str, client: str):
        """Wait for this client's turn at the model (QueueFull, 429, when the queue is full), then hold it."""
        ticket = kit.scheduler.queue(model_id).enter(client)
        try:
            await ticket.turn()
            yield
        finally:
            ticket.release()

    def chat_model_id(kit: Kit, requested: str | None) -> str:
        model_id = kit.manager.model_for("chat")
        if requested and requested != model_id:
            installed = requested in kit.models.installed_ids()  # an exact folder name: never a path
            spec = kit.models.installed_spec(requested) if installed else None
            if spec is None or spec.task != "chat":
                raise EdgekitError(
                    f"The model '{requested}' is not a chat model on this box. Use '{model_id}'.",
                    code="model_not_found",
                    http_status=404,
                )
            return requested
        return model_id

    def check_text(kit: Kit, text: str) -> None:
        if len(text) > kit.settings.max_text_chars:
            raise BadInput(
                f"The text is {len(text)} characters long; the limit is {kit.settings.max_text_chars}.",
                code="text_too_long",
                http_status=413,
            )

    async def run_generation(request: Request, kit: Kit, client: str, model_id: str, produce, body, kind: str):
        """Queue, then stream or collect one generation. `produce(llm, cancel, generation)` yields text."""
        # What loading would refuse (not installed, damaged, too large) is refused now, as a plain error
        # response: once a stream has started, a status code can no longer be sent. A chat model switched off
        # is neither loaded nor queued for.
        if not kit.settings.chat_enabled:
            raise ChatDisabled()
        kit.power.check_model_work("chat")  # a power profile that keeps it off, or a box shutting down: 503 now
        kit.manager.check_loadable(model_id, "Chat model")
        ticket = kit.scheduler.queue(model_id).enter(client)  # QueueFull -> 429 before anything starts
        generation = Generation()
        created = int(time.time())
        completion_id = f"{'chatcmpl' if kind == 'chat' else 'cmpl'}-{uuid.uuid4().hex[:24]}"

        def tokens(cancel: threading.Event):
            with kit.manager.acquire_model(model_id, "Chat model") as llm:
                yield from produce(llm, cancel, generation)

        def usage() -> dict:
            return {
                "prompt_tokens": generation.prompt_tokens,
                "completion_tokens": generation.tokens,
                "total_tokens": generation.prompt_tokens + generation.tokens,
            }

        def finish_reason() -> str:
            return "length" if generation.finish_reason == "length" else "stop"

        if not body.stream:
            try:
                await ticket.turn()
            except BaseException:
                ticket.release()
                raise
            cancel = threading.Event()
            watcher = asyncio.create_task(watch_disconnect(request.is_disconnected, cancel))
            try:
                text = await asyncio.to_thread(lambda: "".join(tokens(cancel)))
            finally:
                cancel.set()
                watcher.cancel()
                ticket.release()
            choice = (
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish_reason()}
                if kind == "chat"
                else {"index": 0, "text": text, "finish_reason": finish_reason(), "logprobs": None}
            )
            return {
                "id": completion_id,
                "object": "chat.completion" if kind == "chat" else "text_completion",
                "created": created,
                "model": model_id,
                "choices": [choice],
                "usage": usage(),
            }

        def chunk(delta: dict | None, text: str | None, finish: str | None) -> str:
            choice = (
                {"index": 0, "delta": delta, "finish_reason": finish}
                if kind == "chat"
                else {"index": 0, "text": text or "", "finish_reason": finish, "logprobs": None}
            )
            payload = {
                "id": completion_id,
                "object": "chat.completion.chunk" if kind == "chat" else "text_completion",
                "created": created,
                "model": model_id,
                "choices": [choice],
            }
            return f"data: {json.dumps(payload)}\n\n"

        def run(cancel: threading.Event, emit) -> None:
            for piece in tokens(cancel):
                emit(piece)

        pieces, release_unless_handed_over = stream_in_turn(
            ticket,
            run,
            wrap=lambda piece: chunk({"content": piece}, piece, None),
            opening=chunk({"role": "assistant", "content": ""}, None, None) if kind == "chat" else None,
        )

        async def events():
            try:
                async for event in pieces:
                    yield event
            except EdgekitError as exc:  # after the first byte, an error can only travel inside the stream
                yield f"data: {json.dumps({'error': {**exc.as_dict(), 'type': 'server_error'}})}\n\n"
                yield "data: [DONE]\n\n"
                return
            yield chunk({}, "", finish_reason())
            if body.stream_options and body.stream_options.get("include_usage"):
                payload = {
                    "id": completion_id,
                    "object": "chat.completion.chunk" if kind == "chat" else "text_completion",
                    "created": created,
                    "model": model_id,
                    "choices": [],
                    "usage": usage(),
                }
                yield f"data: {json.dumps(payload)}\n\n"
            yield "data: [DONE]\n\n"

        # The background task also runs when the client left before the stream was ever started.
        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            background=BackgroundTask(release_unless_handed_over),
        )

    @router.get("/v1/models")
    def list_models(kit: Kit = Depends(get_kit), _client: str = Depends(v1_client)) -> dict:
        data = [
            {"id": model_id, "object": "model", "created": 0, "owned_by": "edgekit"}
            for model_id in kit.models.installed_ids()
        ]
        return {"object": "list", "data": data}

    @router.post("/v1/chat/completions")
    async def chat_completions(
        body: ChatRequest, request: Request, kit: Kit = Depends(get_kit), client: str = Depends(v1_client)
    ):
        model_id = chat_model_id(kit, body.model)
        messages = [{"role": m.role, "content": m.text()} for m in body.messages]
        check_text(kit, "".join(m["content"] for m in messages))
        max_tokens = min(body.max_completion_tokens or body.max_tokens or kit.settings.max_tokens, MAX_ANSWER_TOKENS)

        def produce(llm, cancel, generation):
            return llm.stream_chat(
                messages,
                max_tokens=max_tokens,
                temperature=body.temperature,
                seed=body.seed,
                stop=body.stop_list(),
                cancel=cancel,
                generation=generation,
            )

        return await run_generation(request, kit, client, model_id, produce, body, "chat")

    @router.post("/v1/completions")
    async def completions(
        body: CompletionRequest, request: Request, kit: Kit = Depends(get_kit), client: str = Depends(v1_client)
    ):
        model_id = chat_model_id(kit, body.model)
        check_text(kit, body.prompt)
        max_tokens = min(body.max_tokens or 16, MAX_ANSWER_TOKENS)  # OpenAI's default for completions is 16

        def produce(llm, cancel, generation):
            return llm.generate(
                body.prompt,
                max_tokens=max_tokens,
                temperature=body.temperature,
                seed=body.seed,
                stop=body.stop_list(),
                cancel=cancel,
                generation=generation,
            )

        return await run_generation(request, kit, client, model_id, produce, body, "completion")

    @router.post("/v1/embeddings")
    async def embeddings(body: EmbeddingRequest, kit: Kit = Depends(get_kit), client: str = Depends(v1_client)):
        texts = body.texts()
        if len(texts) > MAX_EMBED_INPUTS:
            raise BadInput(
                f"At most {MAX_EMBED_INPUTS} texts a request; {len(texts)} were sent.",
                code="too_many_inputs",
                http_status=413,
            )
        check_text(kit, "".join(texts))
        model_id = kit.manager.model_for("embed")

        def embed():
            with kit.manager.acquire("embed") as engine:
                return engine.embed(texts), engine.count_tokens(texts)

        async with turn_at(kit, model_id, client):
            vectors, tokens = await asyncio.to_thread(embed)
        data = []
        for index, vector in enumerate(vectors):
            value = (
                base64.b64encode(vector.astype("<f4").tobytes()).decode()
                if body.encoding_format == "base64"
                else [round(float(x), 7) for x in vector]
            )
            data.append({"object": "embedding", "index": index, "embedding": value})
        return {
            "object": "list",
            "data": data,
            "model": model_id,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    @router.post("/v1/audio/transcriptions")
    async def audio_transcriptions(
        request: Request,
        file: UploadFile = File(...),
        model: str | None = Form(None),
        language: str | None = Form(None),
        prompt: str | None = Form(None),
        response_format: str = Form("json"),
        kit: Kit = Depends(get_kit),
        client: str = Depends(v1_client),
    ):
        from edgekit.speech.stt import speech_model_for, transcribe

        if response_format not in ("json", "text", "verbose_json"):
            raise BadInput(
                f"response_format must be json, text or verbose_json, not '{response_format}'.",
                code="unsupported_format",
            )
        audio = await read_upload(file, kit.settings.max_upload_mb)
        words = prompt.split() if prompt else None  # OpenAI's prompt: words the speaker is likely to use
        language = language.strip().lower() if language and language.strip() else None
        async with turn_at(kit, speech_model_for(kit.manager, language), client):
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
    async def audio_speech(body: SpeechRequest, kit: Kit = Depends(get_kit), client: str = Depends(v1_client)):
        from edgekit.speech.tts import synthesize_speech

        if body.response_format not in ("wav", "pcm"):
            raise BadInput(
                f"Only WAV audio is made on this box, not '{body.response_format}'.", code="unsupported_format"
            )
        lang = body.language or speech_language(body.voice)
        async with turn_at(kit, kit.manager.model_for("tts"), client):
            speech = await asyncio.to_thread(synthesize_speech, kit.manager, body.input, lang)
        return Response(speech.wav, media_type="audio/wav", headers={"X-Edgekit-Voice": speech.voice})
