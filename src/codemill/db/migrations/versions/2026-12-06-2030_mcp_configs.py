"""mcp_configs: the MCP server catalogue, with the system entries that ship with Codemill

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The system entries: servers in the codemill package, runnable on the default allow-list.
SYSTEM_ENTRIES: list[dict[str, Any]] = [
    {
        "id": "system-codemill-time",
        "name": "Time",
        "description": "Current time in any time zone, and conversions between time zones.",
        "categories": ["Utilities"],
        "config": {"command": "python", "args": ["-m", "codemill.mcp.servers.time"], "env": {}},
        "required_env_vars": [],
    },
    {
        "id": "system-codemill-filesystem",
        "name": "Filesystem (read-only)",
        "description": "List, search and read files under one directory of the MCP Connect host.",
        "categories": ["Development", "Files"],
        "config": {"command": "python", "args": ["-m", "codemill.mcp.servers.filesystem"], "env": {}},
        "required_env_vars": [
            {"name": "ALLOWED_DIR", "description": "The directory the server may read", "required": True}
        ],
    },
]


def upgrade() -> None:
    table = op.create_table(
        "mcp_configs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("server_home_url", sa.String(length=2000), nullable=True),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("logo_url", sa.String(length=2000), nullable=True),
        sa.Column("categories", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("config", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("required_env_vars", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("is_system", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("usage_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mcp_configs_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mcp_configs")),
    )
    op.create_index(op.f("ix_mcp_configs_name"), "mcp_configs", ["name"], unique=False)
    op.create_index(op.f("ix_mcp_configs_user_id"), "mcp_configs", ["user_id"], unique=False)
    op.bulk_insert(
        table,
        [
            {**entry, "is_public": True, "is_system": True, "is_active": True, "usage_count": 0}
            for entry in SYSTEM_ENTRIES
        ],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_mcp_configs_user_id"), table_name="mcp_configs")
    op.drop_index(op.f("ix_mcp_configs_name"), table_name="mcp_configs")
    op.drop_table("mcp_configs")
