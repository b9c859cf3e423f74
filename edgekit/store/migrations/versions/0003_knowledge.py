"""Knowledge packs: packs, documents, chunks, and an FTS5 index over chunk text, heading, title and aliases.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString

# rowid = knowledge_chunk.id. remove_diacritics 2 so "légionnaire" and "legionnaire" match, in every language.
CREATE_FTS = (
    "CREATE VIRTUAL TABLE knowledge_fts USING fts5("
    "text, heading, title, aliases, tokenize = 'unicode61 remove_diacritics 2')"
)


def upgrade() -> None:
    op.create_table(
        "knowledge_pack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", String(length=100), nullable=False),
        sa.Column("path", String(), nullable=False),
        sa.Column("app", String(length=64), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_knowledge_pack_name", "knowledge_pack", ["name"], unique=True)
    op.create_index("ix_knowledge_pack_app", "knowledge_pack", ["app"])
    op.create_table(
        "knowledge_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.Integer(), sa.ForeignKey("knowledge_pack.id", ondelete="CASCADE"), nullable=False),
        sa.Column("path", String(), nullable=False),
        sa.Column("sha256", String(length=64), nullable=False),
        sa.Column("title", String(), nullable=False),
        sa.Column("source", String(), nullable=False),
        sa.Column("url", String(), nullable=False),
        sa.Column("license", String(length=100), nullable=False),
        sa.Column("language", String(length=16), nullable=False),
        sa.Column("region", String(length=100), nullable=False),
        sa.Column("updated", String(length=32), nullable=False),
        sa.Column("aliases", String(), nullable=False),
        sa.Column("tags", String(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_knowledge_document_pack_id", "knowledge_document", ["pack_id"])
    op.create_index("ix_knowledge_document_language", "knowledge_document", ["language"])
    op.create_table(
        "knowledge_chunk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "document_id", sa.Integer(), sa.ForeignKey("knowledge_document.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("heading", String(), nullable=False),
        sa.Column("text", String(), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_knowledge_chunk_document_id", "knowledge_chunk", ["document_id"])
    op.execute(CREATE_FTS)


def downgrade() -> None:
    op.execute("DROP TABLE knowledge_fts")
    op.drop_table("knowledge_chunk")
    op.drop_table("knowledge_document")
    op.drop_table("knowledge_pack")
