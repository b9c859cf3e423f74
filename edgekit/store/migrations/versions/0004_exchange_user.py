"""Who asked: a nullable user id on each exchange, so a signed-in person can see their past conversations.

Guests' exchanges keep user_id NULL and are shown to no one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite cannot add a foreign key to a table in place: batch mode copies the table, keeping every row.
    with op.batch_alter_table("exchange") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_exchange_user_id_user", "user", ["user_id"], ["id"])
        batch.create_index("ix_exchange_user_id", ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("exchange") as batch:
        batch.drop_index("ix_exchange_user_id")
        batch.drop_constraint("fk_exchange_user_id_user", type_="foreignkey")
        batch.drop_column("user_id")
