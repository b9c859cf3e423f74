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
    # Who asked, when someone was signed in (their past conversations); None for a guest, whose questions no one sees.
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    # What the answer cost (edgekit/power/energy.py): joules above idle, measured by a counter or estimated from
    # CPU time, and the power profile it was given under. None for answers kept before the kit measured them.
    energy_j: float | None = None
    energy_method: str | None = Field(default=None, max_length=16)
    power_profile: str | None = Field(default=None, max_length=16)


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


# --- power ------------------------------------------------------------------------------------------------------
class EnergyUse(SQLModel, table=True):
    """Model work that is not an answer of its own: a question heard (speech in) or an answer read aloud (speech
    out). Answers keep their energy on their exchange row."""

    __tablename__ = "energy_use"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, index=True)
    kind: str = Field(max_length=16)  # speech_in | speech_out
    app: str | None = Field(default=None, max_length=64)
    energy_j: float
    energy_method: str = Field(max_length=16)
    power_profile: str = Field(max_length=16)
    cpu_s: float = 0.0
    wall_s: float = 0.0


class PowerSample(SQLModel, table=True):
    """The battery every few minutes, for the technician's chart of the day."""

    __tablename__ = "power_sample"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, index=True)
    battery_percent: int | None = None
    charging: bool = False
    draw_w: float | None = None
    profile: str = Field(max_length=16)


# --- knowledge packs ---------------------------------------------------------------------------------------------
# The full-text index is an FTS5 virtual table made by migration 0003 with raw SQL; SQLModel cannot declare it, so
# Alembic's comparison leaves it (and the shadow tables FTS5 keeps beside it) out: see compared_by_alembic.
KNOWLEDGE_FTS = "knowledge_fts"


class KnowledgePack(SQLModel, table=True):
    """A folder of Markdown documents, for one app or (app None) for every app."""

    __tablename__ = "knowledge_pack"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    path: str
    app: str | None = Field(default=None, max_length=64, index=True)
    added_at: datetime = Field(default_factory=utc_now)


class KnowledgeDocument(SQLModel, table=True):
    """One Markdown file of a pack as last indexed; sha256 says whether the file changed since."""

    __tablename__ = "knowledge_document"

    id: int | None = Field(default=None, primary_key=True)
    pack_id: int = Field(foreign_key="knowledge_pack.id", ondelete="CASCADE", index=True)
    path: str  # relative to the pack's folder
    sha256: str = Field(max_length=64)
    title: str
    source: str
    url: str
    license: str = Field(max_length=100)
    language: str = Field(max_length=16, index=True)
    region: str = Field(max_length=100)
    updated: str = Field(max_length=32)
    aliases: str = ""  # one per line
    tags: str = ""  # one per line
    indexed_at: datetime = Field(default_factory=utc_now)


class KnowledgeChunk(SQLModel, table=True):
    """A passage of a document; its row id is also its row id in the FTS5 index."""

    __tablename__ = "knowledge_chunk"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="knowledge_document.id", ondelete="CASCADE", index=True)
    ordinal: int
    heading: str = ""
    text: str
    embedding: bytes | None = None  # float32, unit length; None until the embedding model has seen it


# --- sync to the district hub (edgekit/sync/) ------------------------------------------------------------------
class OutboxEntry(SQLModel, table=True):
    """A record on its way to the hub, written in the same transaction as the record it describes. `seq` is the
    box's own sequence number: AUTOINCREMENT so a number is never given twice, even after rows are pruned, and the
    hub keeps each (box, seq) exactly once however often it arrives."""

    __tablename__ = "sync_outbox"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=48)  # health.woman, health.visit, health.referral, device.health, edu.*
    record_key: str = Field(max_length=100)  # the record's own id on this box
    payload: str  # JSON, already stripped of what the site did not opt in to share
    created_at: datetime = Field(default_factory=utc_now)


class InboxEntry(SQLModel, table=True):
    """Something the hub sent down: a referral addressed to this box, a status for one this box sent, a
    revocation. Keyed by the hub's own number, so a down pack read twice changes nothing."""

    __tablename__ = "sync_inbox"

    hub_seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str = Field(max_length=48, index=True)
    payload: str  # JSON
    status: str = Field(default="", max_length=16)  # an inbound referral's status here
    received_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class SyncSetting(SQLModel, table=True):
    """The box's sync state and the site's opt-ins (share.phone_numbers ...): one value per key."""

    __tablename__ = "sync_setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str = ""


# The core's own tables. Apps add theirs to the same metadata but migrate them themselves (store/app_schema.py).
CORE_TABLES = frozenset(SQLModel.metadata.tables)


def compared_by_alembic(_object, name, type_, _reflected, _compare_to) -> bool:
    """Alembic's include_object for the core: its own tables, but not the FTS5 table and its shadow tables."""
    table = name if type_ == "table" else getattr(getattr(_object, "table", None), "name", None)
    if table is None:
        return True
    return table in CORE_TABLES and not table.startswith(KNOWLEDGE_FTS)
