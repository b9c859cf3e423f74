"""Energy: what each answer cost (joules, measured or estimated, and the power profile), speech work's energy, and
the battery log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("exchange") as batch:
        batch.add_column(sa.Column("energy_j", sa.Float(), nullable=True))
        batch.add_column(sa.Column("energy_method", String(length=16), nullable=True))
        batch.add_column(sa.Column("power_profile", String(length=16), nullable=True))
    op.create_table(
        "energy_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", String(length=16), nullable=False),
        sa.Column("app", String(length=64), nullable=True),
        sa.Column("energy_j", sa.Float(), nullable=False),
        sa.Column("energy_method", String(length=16), nullable=False),
        sa.Column("power_profile", String(length=16), nullable=False),
        sa.Column("cpu_s", sa.Float(), nullable=False),
        sa.Column("wall_s", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_energy_use_at", "energy_use", ["at"])
    op.create_table(
        "power_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("battery_percent", sa.Integer(), nullable=True),
        sa.Column("charging", sa.Boolean(), nullable=False),
        sa.Column("draw_w", sa.Float(), nullable=True),
        sa.Column("profile", String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_power_sample_at", "power_sample", ["at"])


def downgrade() -> None:
    op.drop_index("ix_power_sample_at", table_name="power_sample")
    op.drop_table("power_sample")
    op.drop_index("ix_energy_use_at", table_name="energy_use")
    op.drop_table("energy_use")
    with op.batch_alter_table("exchange") as batch:
        batch.drop_column("power_profile")
        batch.drop_column("energy_method")
        batch.drop_column("energy_j")
