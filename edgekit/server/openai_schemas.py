"""Request bodies of the OpenAI-compatible routes: the fields edgekit honours; others are accepted and ignored,
as OpenAI clients send many options a small local model has no use for."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ContentPart(_Lenient):
    type: str
    text: str | None = None


class ChatMessage(_Lenient):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class _Sampling(_Lenient):
    model: str | None = None
    temperature: float = Field(default=0.3, ge=0, le=2)
    seed: int | None = None
    stop: str | list[str] | None = None
    stream: bool = False
    stream_options: dict | None = None

    def stop_list(self) -> list[str]:
        if self.stop is None:
            return []
        return [self.stop] if isinstance(self.stop, str) else list(self.stop)[:4]


class ChatRequest(_Sampling):
    messages: list[ChatMessage] = Field(min_length=1)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)


class CompletionRequest(_Sampling):
    prompt: str = Field(min_length=1)
    max_tokens: int | None = Field(default=None, ge=1)


class EmbeddingRequest(_Lenient):
    model: str | None = None
    input: str | list[str] = Field(min_length=1)
    encoding_format: Literal["float", "base64"] = "float"

    def texts(self) -> list[str]:
        return [self.input] if isinstance(self.input, str) else list(self.input)


class SpeechRequest(_Lenient):
    model: str | None = None
    input: str = Field(min_length=1)
    voice: str | None = None  # a language code (sw, fr ...) picks that language's voice
    language: str | None = None
    response_format: str = "wav"
