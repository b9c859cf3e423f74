"""Tables, with the SQLModel ladder (Base -> table -> Public) of FastAPI's full-stack template."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


class ExchangeBase(SQLModel):
    """One question asked on this box and the answer it gave."""

    question: str
    answer: str
    model: str = Field(max_length=100)
    app: str | None = Field(default=None, max_length=64, index=True)
    tokens: int = 0
    latency_ms: int = 0


class Exchange(ExchangeBase, table=True):
    __tablename__ = "exchange"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utc_now, index=True)


class ExchangePublic(ExchangeBase):
    id: int
    created_at: datetime
