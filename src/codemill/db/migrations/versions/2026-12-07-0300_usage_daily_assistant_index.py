"""usage_daily: an index on assistant_id (assistant lists count the users who chatted with each).

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_usage_daily_assistant_id", "usage_daily", ["assistant_id"])


def downgrade() -> None:
    op.drop_index("ix_usage_daily_assistant_id", table_name="usage_daily")
