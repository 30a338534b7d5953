"""assistants and their versions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assistants",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=True),
        sa.Column("project", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("icon_url", sa.Text(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("is_global", sa.Boolean(), nullable=False),
        sa.Column("is_react", sa.Boolean(), nullable=False),
        sa.Column("categories", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("version_count", sa.Integer(), nullable=False),
        sa.Column("system_prompt", sa.Text(), nullable=False),
        sa.Column("llm_model_type", sa.String(length=200), nullable=True),
        sa.Column("temperature", sa.Float(), nullable=True),
        sa.Column("top_p", sa.Float(), nullable=True),
        sa.Column("tools_tokens_size_limit", sa.Integer(), nullable=True),
        sa.Column("context", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("toolkits", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("mcp_servers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("assistant_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("prompt_variables", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("conversation_starters", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("enabled_builtin_subagents", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("tool_permissions", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_assistants_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["project"],
            ["projects.name"],
            name=op.f("fk_assistants_project_projects"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistants")),
        sa.UniqueConstraint("slug", name=op.f("uq_assistants_slug")),
    )
    op.create_index(op.f("ix_assistants_created_by"), "assistants", ["created_by"], unique=False)
    op.create_index(op.f("ix_assistants_is_global"), "assistants", ["is_global"], unique=False)
    op.create_index(op.f("ix_assistants_project"), "assistants", ["project"], unique=False)
    op.create_table(
        "assistant_versions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("assistant_id", sa.String(length=64), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("change_notes", sa.Text(), nullable=True),
        sa.Column("config", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["assistant_id"],
            ["assistants.id"],
            name=op.f("fk_assistant_versions_assistant_id_assistants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_assistant_versions_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistant_versions")),
        sa.UniqueConstraint("assistant_id", "version_number", name=op.f("uq_assistant_versions_assistant_id")),
    )
    op.create_index(op.f("ix_assistant_versions_assistant_id"), "assistant_versions", ["assistant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_assistant_versions_assistant_id"), table_name="assistant_versions")
    op.drop_table("assistant_versions")
    op.drop_index(op.f("ix_assistants_project"), table_name="assistants")
    op.drop_index(op.f("ix_assistants_is_global"), table_name="assistants")
    op.drop_index(op.f("ix_assistants_created_by"), table_name="assistants")
    op.drop_table("assistants")
