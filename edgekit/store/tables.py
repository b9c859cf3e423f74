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


class User(SQLModel, table=True):
    """A person who signs in: a technician, a health worker, a teacher or a student. Secrets are argon2 hashes."""

    __tablename__ = "user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True, index=True)
    role: str = Field(max_length=32)
    secret_hash: str
    secret_kind: str = Field(max_length=16)  # pin | password
    disabled: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)


class UserPublic(SQLModel):
    id: int
    name: str
    role: str
    disabled: bool
    created_at: datetime


class ApiToken(SQLModel, table=True):
    """A bearer token for scripts and API clients. Only its sha256 is kept: the token is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utc_now)
    last_used_at: datetime | None = None
    revoked: bool = False


class BrowserSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; the table holds its sha256."""

    __tablename__ = "browser_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime


class AuditEntry(SQLModel, table=True):
    """Who did what, when: sign-in locks now, every read and write of a health record later."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, index=True)
    actor: str = Field(max_length=64, index=True)
    action: str = Field(max_length=64)
    target: str = Field(default="", max_length=200)
    detail: str = ""
