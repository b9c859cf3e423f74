"""OpenAI's response shapes for chat and text completions, whole and in chunks, typed."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel

Kind = Literal["chat", "completion"]


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class Message(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: Message
    finish_reason: str


class TextChoice(BaseModel):
    index: int = 0
    text: str
    finish_reason: str | None
    logprobs: None = None


class Completion(BaseModel):
    id: str
    object: Literal["chat.completion", "text_completion"]
    created: int
    model: str
    choices: list[ChatChoice] | list[TextChoice]
    usage: Usage


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class DeltaChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: str | None


class Chunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk", "text_completion"]
    created: int
    model: str
    choices: list[DeltaChoice] | list[TextChoice]
    usage: Usage | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "edgekit"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def usage_of(prompt_tokens: int, completion_tokens: int) -> Usage:
    return Usage(
        prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, total_tokens=prompt_tokens + completion_tokens
    )


def whole(kind: Kind, completion_id: str, created: int, model: str, text: str, finish: str, usage: Usage) -> Completion:
    if kind == "chat":
        return Completion(
            id=completion_id,
            object="chat.completion",
            created=created,
            model=model,
            choices=[ChatChoice(message=Message(content=text), finish_reason=finish)],
            usage=usage,
        )
    return Completion(
        id=completion_id,
        object="text_completion",
        created=created,
        model=model,
        choices=[TextChoice(text=text, finish_reason=finish)],
        usage=usage,
    )


def chunk_line(
    kind: Kind,
    completion_id: str,
    created: int,
    model: str,
    *,
    delta: Delta | None = None,
    text: str = "",
    finish: str | None = None,
    usage: Usage | None = None,
    choices: bool = True,
) -> str:
    """One SSE line: a piece of text, the opening (chat: the role), the finish, or the usage (no choices)."""
    chat = kind == "chat"
    choice_list: list[DeltaChoice] | list[TextChoice] = (
        [DeltaChoice(delta=delta or Delta(), finish_reason=finish)]
        if chat
        else [TextChoice(text=text, finish_reason=finish)]
    )
    payload = Chunk(
        id=completion_id,
        object="chat.completion.chunk" if chat else "text_completion",
        created=created,
        model=model,
        choices=choice_list if choices else [],
        usage=usage,
    )
    return f"data: {json.dumps(_dump(payload))}\n\n"


def _dump(payload: Chunk) -> dict[str, object]:
    data = payload.model_dump()
    if payload.usage is None:
        del data["usage"]  # OpenAI sends usage only in the last chunk, when asked
    for choice in data["choices"]:
        if "delta" in choice:  # a delta names only what it carries: {"content": "..."}, or {} at the finish
            choice["delta"] = {key: value for key, value in choice["delta"].items() if value is not None}
    return data
