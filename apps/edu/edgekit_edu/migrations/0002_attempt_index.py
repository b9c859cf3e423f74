"""Attempts by pupil and skill: checking an answer and choosing the next item read one pupil's attempts at one
skill; with only single-column indexes SQLite could walk every pupil's attempts at the skill (the whole class's
history) to find them.

Revision ID: edu_0002
Revises: edu_0001
Create Date: 2026-12-04
"""

from alembic import op

revision = "edu_0002"
down_revision = "edu_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_edu_attempt_pupil_skill", "edu_attempt", ["pupil_id", "skill", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_edu_attempt_pupil_skill", table_name="edu_attempt")
