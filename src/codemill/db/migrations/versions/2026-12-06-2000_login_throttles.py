"""login throttles (failed local logins per account and address); in-progress chat turns index

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.create_index(op.f("ix_login_throttles_window_started_at"), "login_throttles", ["window_started_at"])
    op.create_index(
        "ix_conversation_messages_in_progress",
        "conversation_messages",
        ["created_at"],
        postgresql_where=sa.text("status = 'in_progress'"),
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_messages_in_progress", table_name="conversation_messages")
    op.drop_index(op.f("ix_login_throttles_window_started_at"), table_name="login_throttles")
    op.drop_table("login_throttles")
