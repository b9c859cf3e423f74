"""What an answer is, as every surface shows it: the app API's `done` event, `edgekit ask --json`, the page.

Typed (pydantic) so the JSON shape is declared once, here, and the routes hand these models out as they are.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

GUARD_MODEL = "guard"  # the `model` of an answer a before_answer guard gave: no model ran
EXTRACTIVE_MODEL = "extractive"  # the `model` of an answer made of the passages themselves
NO_KNOWLEDGE_MODEL = "none"  # nothing relevant was found: the box said so and named whom to ask


class Citation(BaseModel):
    title: str
    source: str
    url: str
    snippet: str
    score: float


class GroundedAnswer(BaseModel):
    """An app's answer: the text, the passages it stands on, and what wrote it (`model`)."""

    app: str
    question: str
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    model: str = ""
    latency_ms: int = 0
    guard: dict[str, Any] | None = None  # what an app's guard found (health's triage), for clients to show first
    withdrawn: list[str] = Field(default_factory=list)  # sentences the model wrote that the passages do not carry

    def as_dict(self) -> dict[str, Any]:
        # The usual shape; the `withdrawn` key appears only when a sentence was taken back.
        return self.model_dump(exclude=set() if self.withdrawn else {"withdrawn"})


class Answer(BaseModel):
    """The chat model's answer alone (no app, no passages): `edgekit ask "..."`."""

    answer: str
    model: str
    tokens: int
    latency_ms: int

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()
