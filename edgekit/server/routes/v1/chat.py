"""/v1/models, /v1/chat/completions and /v1/completions.

A chat completion is plain chat, the answering service's path without an app: the guards see the conversation's
last question first (edgekit/answering/guard.py; a guard's whole answer needs no model and no turn), the model
writes in its turn, and the exchange is kept under the caller's name. A completion is a raw prompt, not a
question: it takes its turn and nothing more.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from edgekit.answering.guard import consult, guard_lead
from edgekit.answering.record import record_exchange
from edgekit.answering.results import GUARD_MODEL
from edgekit.engines.llm_llamacpp import Generation
from edgekit.errors import BadInput, EdgekitError
from edgekit.kit import Kit
from edgekit.server.deps import current_user, get_kit, v1_client
from edgekit.server.openai_schemas import ChatRequest, CompletionRequest
from edgekit.server.routes.v1.generation import Job, answered_without_model, run_generation
from edgekit.server.routes.v1.shapes import Completion, ModelCard, ModelList

MAX_ANSWER_TOKENS = 1024

router = APIRouter()


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
        return str(requested)
    return str(model_id)


def check_text(kit: Kit, text: str) -> None:
    if len(text) > kit.settings.max_text_chars:
        raise BadInput(
            f"The text is {len(text)} characters long; the limit is {kit.settings.max_text_chars}.",
            code="text_too_long",
            http_status=413,
        )


@router.get("/v1/models")
def list_models(kit: Kit = Depends(get_kit), _client: str = Depends(v1_client)) -> ModelList:
    return ModelList(data=[ModelCard(id=model_id) for model_id in kit.models.installed_ids()])


@router.post("/v1/chat/completions", response_model=None)
async def chat_completions(
    body: ChatRequest, request: Request, kit: Kit = Depends(get_kit), client: str = Depends(v1_client)
) -> Completion | StreamingResponse:
    model_id = chat_model_id(kit, body.model)
    messages = [{"role": m.role, "content": m.text()} for m in body.messages]
    check_text(kit, "".join(m["content"] for m in messages))
    max_tokens = min(body.max_completion_tokens or body.max_tokens or kit.settings.max_tokens, MAX_ANSWER_TOKENS)
    user = current_user(request)
    question = next((m["content"].strip() for m in reversed(messages) if m["role"] == "user"), "")
    screened = consult(kit, question, user=user) if question else None
    guarded = screened.guarded if screened is not None else None
    started = time.perf_counter()

    def produce(llm: Any, cancel: Any, generation: Generation) -> Iterator[str]:
        return llm.stream_chat(  # type: ignore[no-any-return]
            messages,
            max_tokens=max_tokens,
            temperature=body.temperature,
            seed=body.seed,
            stop=body.stop_list(),
            cancel=cancel,
            generation=generation,
        )

    def keep(text: str, generation: Generation, energy: Any, model: str = model_id) -> None:
        record_exchange(
            kit.db,
            energy=energy,
            question=question,
            answer=text.strip(),
            model=model,
            tokens=generation.tokens,
            latency_ms=round((time.perf_counter() - started) * 1000),
            user_id=user.id if user else None,
        )

    job = Job(
        "chat",
        model_id,
        produce,
        body.stream,
        include_usage=bool(body.stream_options and body.stream_options.get("include_usage")),
        lead=guard_lead(guarded).strip() if guarded is not None else "",
        lang=screened.lang if screened is not None else None,
        finished=keep if question else None,
    )
    if guarded is not None and guarded.final:  # the guard's whole answer: no model, no turn
        keep(guarded.text, Generation(), None, GUARD_MODEL)
        return answered_without_model(Job("chat", GUARD_MODEL, produce, body.stream), guarded.text)
    return await run_generation(request, kit, client, job)


@router.post("/v1/completions", response_model=None)
async def completions(
    body: CompletionRequest, request: Request, kit: Kit = Depends(get_kit), client: str = Depends(v1_client)
) -> Completion | StreamingResponse:
    model_id = chat_model_id(kit, body.model)
    check_text(kit, body.prompt)
    max_tokens = min(body.max_tokens or 16, MAX_ANSWER_TOKENS)  # OpenAI's default for completions is 16

    def produce(llm: Any, cancel: Any, generation: Generation) -> Iterator[str]:
        return llm.generate(  # type: ignore[no-any-return]
            body.prompt,
            max_tokens=max_tokens,
            temperature=body.temperature,
            seed=body.seed,
            stop=body.stop_list(),
            cancel=cancel,
            generation=generation,
        )

    return await run_generation(request, kit, client, Job("completion", model_id, produce, body.stream))
