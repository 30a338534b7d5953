"""conversation share links, message feedback, final marks; skills

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conversations", sa.Column("final_user_mark", postgresql.JSONB(astext_type=Text()), nullable=True))
    op.add_column(
        "conversations", sa.Column("final_operator_mark", postgresql.JSONB(astext_type=Text()), nullable=True)
    )
    op.create_table(
        "conversation_shares",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("access_count", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_shares_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conversation_shares_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_shares")),
        sa.UniqueConstraint("token", name=op.f("uq_conversation_shares_token")),
    )
    op.create_index(
        op.f("ix_conversation_shares_conversation_id"), "conversation_shares", ["conversation_id"], unique=False
    )
    op.create_table(
        "message_feedback",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("history_index", sa.Integer(), nullable=False),
        sa.Column("assistant_id", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("mark", sa.String(length=32), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("type", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_message_feedback_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_message_feedback_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_feedback")),
    )
    op.create_index(op.f("ix_message_feedback_conversation_id"), "message_feedback", ["conversation_id"], unique=False)
    _create_skills()


def _create_skills() -> None:
    jsonb = postgresql.JSONB(astext_type=Text())
    op.create_table(
        "skills",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("project", sa.String(length=320), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("categories", jsonb, nullable=False),
        sa.Column("enabled_builtin_subagents", jsonb, nullable=False),
        sa.Column("mcp_servers", jsonb, nullable=False),
        sa.Column("companion_files", jsonb, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_skills_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["project"],
            ["projects.name"],
            name=op.f("fk_skills_project_projects"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills")),
    )
    op.create_index(op.f("ix_skills_created_by"), "skills", ["created_by"], unique=False)
    op.create_index(op.f("ix_skills_project"), "skills", ["project"], unique=False)
    op.create_index(op.f("ix_skills_slug"), "skills", ["slug"], unique=False)
    op.create_table(
        "assistant_skills",
        sa.Column("assistant_id", sa.String(length=64), nullable=False),
        sa.Column("skill_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assistant_id"],
            ["assistants.id"],
            name=op.f("fk_assistant_skills_assistant_id_assistants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_assistant_skills_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("assistant_id", "skill_id", name=op.f("pk_assistant_skills")),
    )
    op.create_index(op.f("ix_assistant_skills_skill_id"), "assistant_skills", ["skill_id"], unique=False)
    op.create_table(
        "skill_reactions",
        sa.Column("skill_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("reaction", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_skill_reactions_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_skill_reactions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("skill_id", "user_id", name=op.f("pk_skill_reactions")),
    )
    op.create_table(
        "skill_events",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("session_id", sa.String(length=200), nullable=False),
        sa.Column("command", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("skill_slug", sa.String(length=200), nullable=True),
        sa.Column("skill_name", sa.String(length=200), nullable=True),
        sa.Column("skill_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("target_agents", jsonb, nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("project", sa.String(length=320), nullable=True),
        sa.Column("attributes", jsonb, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_skill_events_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_events")),
    )
    op.create_index(op.f("ix_skill_events_created_at"), "skill_events", ["created_at"], unique=False)
    op.create_index(op.f("ix_skill_events_skill_slug"), "skill_events", ["skill_slug"], unique=False)
    op.create_index(op.f("ix_skill_events_user_id"), "skill_events", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("skill_events")
    op.drop_table("skill_reactions")
    op.drop_table("assistant_skills")
    op.drop_table("skills")
    op.drop_table("message_feedback")
    op.drop_table("conversation_shares")
    op.drop_column("conversations", "final_operator_mark")
    op.drop_column("conversations", "final_user_mark")
