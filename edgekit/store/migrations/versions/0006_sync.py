"""Sync to the district hub: the outbox (records on their way up, numbered per box), the inbox (what the hub sent
down) and the sync settings (state and the site's opt-ins).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", String(length=48), nullable=False),
        sa.Column("record_key", String(length=100), nullable=False),
        sa.Column("payload", String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "sync_inbox",
        sa.Column("hub_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", String(length=48), nullable=False),
        sa.Column("payload", String(), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("hub_seq"),
    )
    op.create_index("ix_sync_inbox_kind", "sync_inbox", ["kind"])
    op.create_table(
        "sync_setting",
        sa.Column("key", String(length=64), nullable=False),
        sa.Column("value", String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("sync_setting")
    op.drop_index("ix_sync_inbox_kind", table_name="sync_inbox")
    op.drop_table("sync_inbox")
    op.drop_table("sync_outbox")
