"""project budget groups

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_budget_groups",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_name", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("total_amount", sa.Float(), nullable=False),
        sa.Column("budget_duration", sa.String(length=16), nullable=False),
        sa.Column("categories", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("notification_owner_email", sa.String(length=320), nullable=True),
        sa.Column("soft_limit_notify_once", sa.Boolean(), nullable=False),
        sa.Column("period_anchor", sa.DateTime(timezone=True), nullable=False),
        sa.Column("spent_at_reset", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_budget_groups")),
    )
    op.create_index(
        op.f("ix_project_budget_groups_project_name"), "project_budget_groups", ["project_name"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_project_budget_groups_project_name"), table_name="project_budget_groups")
    op.drop_table("project_budget_groups")
