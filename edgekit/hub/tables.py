"""The hub's tables (SQLAlchemy Core on PostgreSQL), apart from the box's SQLModel metadata.

hub_record keeps every record as it arrived, once per (box, seq): the ledger that says nothing was lost or doubled.
The other tables hold each record's newest state (by the box's sequence number), which the pages read.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

BOX_STATUSES = ("pending", "approved", "revoked")

box = Table(
    "hub_box",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("public_key", Text, nullable=False),
    Column("facility", String(100), nullable=False, server_default=""),
    Column("district", String(100), nullable=False, server_default=""),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("acked_seq", BigInteger, nullable=False, server_default="0"),  # every record up to here is held
    Column("down_cursor", BigInteger, nullable=False, server_default="0"),  # the box applied down items to here
    Column("enrolled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(64)),
    Column("last_seen_at", DateTime(timezone=True)),
)

record = Table(
    "hub_record",
    metadata,
    Column("box_id", Integer, ForeignKey("hub_box.id"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("kind", String(48), nullable=False),
    Column("record_key", String(100), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),  # on the box
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("box_id", "seq"),
)

woman = Table(
    "hub_woman",
    metadata,
    Column("box_id", Integer, ForeignKey("hub_box.id"), nullable=False),
    Column("code", String(32), nullable=False),
    Column("village", String(100), nullable=False, server_default=""),
    Column("lmp", Date),
    Column("edd", Date),
    Column("status", String(16), nullable=False, server_default=""),
    Column("delivered_on", Date),
    Column("phone", String(32)),  # only from a site that opted in
    Column("seq", BigInteger, nullable=False),
    PrimaryKeyConstraint("box_id", "code"),
)

visit = Table(
    "hub_visit",
    metadata,
    Column("box_id", Integer, ForeignKey("hub_box.id"), nullable=False),
    Column("local_id", BigInteger, nullable=False),
    Column("woman_code", String(32), nullable=False),
    Column("visit_date", Date, nullable=False),
    Column("month", Date, nullable=False),  # the first of the visit's month: what the pages group by
    Column("gestational_days", Integer),
    Column("anc_contact", Integer),  # which of WHO's eight antenatal contacts this visit falls in, if any
    Column("systolic", Integer),
    Column("diastolic", Integer),
    Column("weight_kg", Float),
    Column("temperature_c", Float),
    Column("sign_codes", String(400), nullable=False, server_default=""),
    Column("level", String(16), nullable=False, server_default="routine"),
    Column("notes", Text),  # only from a site that opted in
    Column("seq", BigInteger, nullable=False),
    PrimaryKeyConstraint("box_id", "local_id"),
    Index("ix_hub_visit_month_box", "month", "box_id"),
    Index("ix_hub_visit_contact", "box_id", "woman_code", "anc_contact"),
)

referral = Table(
    "hub_referral",
    metadata,
    Column("box_id", Integer, ForeignKey("hub_box.id"), nullable=False),
    Column("local_id", BigInteger, nullable=False),
    Column("woman_code", String(32), nullable=False),
    Column("level", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("facility", String(100), nullable=False, server_default=""),
    Column("to_box_id", Integer, ForeignKey("hub_box.id")),  # the box of the facility it was sent to, if enrolled
    Column("month", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("seq", BigInteger, nullable=False),
    PrimaryKeyConstraint("box_id", "local_id"),
    Index("ix_hub_referral_month_box", "month", "box_id"),
)

device = Table(
    "hub_device",
    metadata,
    Column("box_id", Integer, ForeignKey("hub_box.id"), primary_key=True),
    Column("payload", JSONB, nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("seq", BigInteger, nullable=False),
)

# Any other kind (edu.class, edu.pupil, edu.mastery ... from apps the hub has no table for yet): newest state per key.
other = Table(
    "hub_other",
    metadata,
    Column("box_id", Integer, ForeignKey("hub_box.id"), nullable=False),
    Column("kind", String(48), nullable=False),
    Column("record_key", String(100), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("seq", BigInteger, nullable=False),
    PrimaryKeyConstraint("box_id", "kind", "record_key"),
)

down = Table(
    "hub_down",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("box_id", Integer, ForeignKey("hub_box.id"), nullable=False),
    Column("kind", String(48), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_hub_down_box", "box_id", "id"),
)

user = Table(
    "hub_user",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(32), nullable=False),
    Column("secret_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The packs that travel down keep their tables in a module of their own; imported here so that whoever reads this
# metadata (the migrations' autogenerate, the test that compares it with the migrations) sees every hub table.
import edgekit.hub.pack_tables  # noqa: E402,F401
