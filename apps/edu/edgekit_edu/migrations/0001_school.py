"""The school: classes, pupils, assignments, attempts, mastery, tutor exchanges, flags.

Revision ID: edu_0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "edu_0001"
down_revision = None
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "edu_class",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", String(length=8), nullable=False),
        sa.Column("name", String(length=64), nullable=False),
        sa.Column("teacher", String(length=64), nullable=False),
        sa.Column("rule", String(length=32), nullable=False),
        sa.Column("lang", String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_edu_class_code", "edu_class", ["code"], unique=True)
    op.create_index("ix_edu_class_teacher", "edu_class", ["teacher"], unique=False)
    op.create_table(
        "edu_pupil",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("display_name", String(length=40), nullable=False),
        sa.Column("account", String(length=64), nullable=False),
        sa.Column("secret_kind", String(length=16), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["edu_class.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account"),
    )
    op.create_index("ix_edu_pupil_class_id", "edu_pupil", ["class_id"], unique=False)
    op.create_table(
        "edu_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("skill", String(length=64), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=True),
        sa.Column("created_by", String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["edu_class.id"]),
        sa.ForeignKeyConstraint(["pupil_id"], ["edu_pupil.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_edu_assignment_class_id", "edu_assignment", ["class_id"], unique=False)
    op.create_table(
        "edu_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("skill", String(length=64), nullable=False),
        sa.Column("item_id", String(length=96), nullable=False),
        sa.Column("response", String(length=200), nullable=False),
        sa.Column("outcome", String(length=16), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("reviewing", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pupil_id"], ["edu_pupil.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_edu_attempt_pupil_id", "edu_attempt", ["pupil_id"], unique=False)
    op.create_index("ix_edu_attempt_skill", "edu_attempt", ["skill"], unique=False)
    op.create_table(
        "edu_mastery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("skill", String(length=64), nullable=False),
        sa.Column("mastered", sa.Boolean(), nullable=False),
        sa.Column("mastered_at", sa.DateTime(), nullable=True),
        sa.Column("review_due", sa.DateTime(), nullable=True),
        sa.Column("review_gap_days", sa.Float(), nullable=False),
        sa.Column("since_attempt_id", sa.Integer(), nullable=False),
        sa.Column("stuck", sa.Boolean(), nullable=False),
        sa.Column("hints", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pupil_id"], ["edu_pupil.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pupil_id", "skill"),
    )
    op.create_index("ix_edu_mastery_pupil_id", "edu_mastery", ["pupil_id"], unique=False)
    op.create_table(
        "edu_tutor_exchange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=True),
        sa.Column("asked_by", String(length=64), nullable=False),
        sa.Column("skill", String(length=64), nullable=False),
        sa.Column("item_id", String(length=96), nullable=False),
        sa.Column("question", String(length=1000), nullable=False),
        sa.Column("answer", String(), nullable=False),
        sa.Column("kind", String(length=16), nullable=False),
        sa.Column("model", String(length=64), nullable=False),
        sa.Column("lang", String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pupil_id"], ["edu_pupil.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_edu_tutor_exchange_pupil_id", "edu_tutor_exchange", ["pupil_id"], unique=False)
    op.create_table(
        "edu_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=True),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("exchange_id", sa.Integer(), nullable=True),
        sa.Column("reason", String(length=32), nullable=False),
        sa.Column("message", String(length=1000), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["edu_class.id"]),
        sa.ForeignKeyConstraint(["exchange_id"], ["edu_tutor_exchange.id"]),
        sa.ForeignKeyConstraint(["pupil_id"], ["edu_pupil.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_edu_flag_pupil_id", "edu_flag", ["pupil_id"], unique=False)
    op.create_index("ix_edu_flag_class_id", "edu_flag", ["class_id"], unique=False)
    op.create_index("ix_edu_flag_status", "edu_flag", ["status"], unique=False)


def downgrade() -> None:
    for table in ("edu_flag", "edu_tutor_exchange", "edu_mastery", "edu_attempt", "edu_assignment", "edu_pupil"):
        op.drop_table(table)
    op.drop_table("edu_class")
