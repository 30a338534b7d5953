"""conversation messages: the answer a question follows (answer versions and edited questions branch)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 00:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conversation_messages", sa.Column("parent_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("conversation_messages", "parent_id")
