"""project names up to 320 characters: a personal project is named after its user's email

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# (table, column, nullable) of every column holding a project name; widening varchar rewrites nothing.
COLUMNS = [
    ("projects", "name", False),
    ("project_members", "project_name", False),
    ("assistants", "project", False),
    ("datasources", "project_name", False),
    ("integrations", "project_name", False),
    ("conversations", "project", True),
    ("llm_usage", "project", True),
]


def upgrade() -> None:
    for table, column, nullable in COLUMNS:
        op.alter_column(
            table, column, type_=sa.String(length=320), existing_type=sa.String(length=200), existing_nullable=nullable
        )


def downgrade() -> None:
    for table, column, nullable in COLUMNS:
        op.alter_column(
            table, column, type_=sa.String(length=200), existing_type=sa.String(length=320), existing_nullable=nullable
        )
