"""Assistants and their immutable configuration versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id, utcnow


class Assistant(Timestamps, Base):
    """An assistant: identity and sharing, plus the current (latest version's) configuration.

    JSON columns hold the CodeMie SDK shapes as plain dicts: toolkits (ToolKitDetails), context
    ({context_type, name}), mcp_servers (MCPServerDetails), prompt_variables ({key, description,
    default_value, is_sensitive}).
    """

    __tablename__ = "assistants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    slug: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    project: Mapped[str] = mapped_column(
        String(320), ForeignKey("projects.name", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    created_by: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    icon_url: Mapped[str | None] = mapped_column(Text, default=None)
    # Visible to every member of the project (otherwise: creator, project admins, platform admins).
    shared: Mapped[bool] = mapped_column(Boolean, default=True)
    # Published to the marketplace: visible to everyone.
    is_global: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    is_react: Mapped[bool] = mapped_column(Boolean, default=False)
    categories: Mapped[list[str]] = mapped_column(JSONB, default=list)
    version_count: Mapped[int] = mapped_column(Integer, default=1)

    system_prompt: Mapped[str] = mapped_column(Text, default="")
    llm_model_type: Mapped[str | None] = mapped_column(String(200), default=None)
    temperature: Mapped[float | None] = mapped_column(Float, default=None)
    top_p: Mapped[float | None] = mapped_column(Float, default=None)
    tools_tokens_size_limit: Mapped[int | None] = mapped_column(Integer, default=None)
    context: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    toolkits: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    mcp_servers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    assistant_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    prompt_variables: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    conversation_starters: Mapped[list[str]] = mapped_column(JSONB, default=list)
    enabled_builtin_subagents: Mapped[list[str]] = mapped_column(JSONB, default=list)
    tool_permissions: Mapped[dict[str, Any] | None] = mapped_column(JSONB, default=None)


class AssistantVersion(Base):
    """One immutable snapshot of an assistant's versioned configuration (see assistants.versions)."""

    __tablename__ = "assistant_versions"
    __table_args__ = (UniqueConstraint("assistant_id", "version_number"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    assistant_id: Mapped[str] = mapped_column(String(64), ForeignKey("assistants.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    change_notes: Mapped[str | None] = mapped_column(Text, default=None)
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
