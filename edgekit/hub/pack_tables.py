"""The hub's tables for packs that travel down: each published file once (by sha256), and which boxes it is for.

Apart from tables.py so the records that travel up and the packs that travel down change independently.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, PrimaryKeyConstraint, String, Table, func

from edgekit.hub.tables import metadata

TARGET_STATUSES = ("pending", "installed", "refused")

pack = Table(
    "hub_pack",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),  # as its manifest says (not trusted: the box checks the signature)
    Column("sha256", String(64), nullable=False, unique=True),
    Column("size", BigInteger, nullable=False),
    Column("signer", String(120), nullable=False, server_default=""),  # name and fingerprint the manifest claims
    Column("published_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_by", String(64), nullable=False, server_default=""),
)

pack_target = Table(
    "hub_pack_target",
    metadata,
    Column("pack_id", Integer, ForeignKey("hub_pack.id"), nullable=False),
    Column("box_id", Integer, ForeignKey("hub_box.id"), nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("code", String(64), nullable=False, server_default=""),  # why a box refused it (pack_unknown_key ...)
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("pack_id", "box_id"),
)
