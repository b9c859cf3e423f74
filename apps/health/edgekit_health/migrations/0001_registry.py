"""The registry: women, visits and referrals.

Revision ID: health_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "health_0001"
down_revision = None
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "health_woman",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", String(length=32), nullable=False),
        sa.Column("village", String(length=100), nullable=False),
        sa.Column("phone", String(length=32), nullable=True),
        sa.Column("lmp", sa.Date(), nullable=False),
        sa.Column("edd", sa.Date(), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("health_worker", String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_health_woman_code", "health_woman", ["code"], unique=True)
    op.create_index("ix_health_woman_health_worker", "health_woman", ["health_worker"], unique=False)
    op.create_table(
        "health_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("woman_id", sa.Integer(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("gestational_days", sa.Integer(), nullable=True),
        sa.Column("systolic", sa.Integer(), nullable=True),
        sa.Column("diastolic", sa.Integer(), nullable=True),
        sa.Column("weight_kg", sa.Float(), nullable=True),
        sa.Column("temperature_c", sa.Float(), nullable=True),
        sa.Column("signs", String(), nullable=False),
        sa.Column("sign_codes", String(), nullable=False),
        sa.Column("level", String(length=16), nullable=False),
        sa.Column("notes", String(), nullable=False),
        sa.Column("recorded_by", String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["woman_id"], ["health_woman.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_health_visit_woman_id", "health_visit", ["woman_id"], unique=False)
    op.create_table(
        "health_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("woman_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("level", String(length=16), nullable=False),
        sa.Column("reason", String(), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("facility", String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["visit_id"], ["health_visit.id"]),
        sa.ForeignKeyConstraint(["woman_id"], ["health_woman.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_health_referral_woman_id", "health_referral", ["woman_id"], unique=False)
    op.create_index("ix_health_referral_status", "health_referral", ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("health_referral")
    op.drop_table("health_visit")
    op.drop_table("health_woman")
