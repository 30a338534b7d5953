"""assistant user mappings (a user's own integrations for a shared assistant's tools)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assistant_user_mappings",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("assistant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("workflow_id", sa.String(length=64), nullable=False),
        sa.Column("tools_config", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["assistant_id"],
            ["assistants.id"],
            name=op.f("fk_assistant_user_mappings_assistant_id_assistants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_assistant_user_mappings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistant_user_mappings")),
        sa.UniqueConstraint(
            "assistant_id", "user_id", "workflow_id", name=op.f("uq_assistant_user_mappings_assistant_id")
        ),
    )
    op.create_index(op.f("ix_assistant_user_mappings_user_id"), "assistant_user_mappings", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_assistant_user_mappings_user_id"), table_name="assistant_user_mappings")
    op.drop_table("assistant_user_mappings")
