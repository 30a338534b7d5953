"""Skills: reusable instructions (with companion files) that assistants load on demand, their reactions and events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id, utcnow


class SkillVisibility(StrEnum):
    """Who sees a skill: its creator, the project's members, or everyone (the marketplace)."""

    PRIVATE = "private"
    PROJECT = "project"
    PUBLIC = "public"


class Skill(Timestamps, Base):
    """A skill. `companion_files` holds the SDK's SkillCompanionFilePayload dicts (path, mime_type, encoding,
    size_bytes, content); `mcp_servers` the SDK's MCPServerDetails."""

    __tablename__ = "skills"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(200), index=True)
    display_name: Mapped[str | None] = mapped_column(String(200), default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    project: Mapped[str] = mapped_column(
        String(320), ForeignKey("projects.name", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    created_by: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    visibility: Mapped[str] = mapped_column(String(16), default=SkillVisibility.PROJECT)
    categories: Mapped[list[str]] = mapped_column(JSONB, default=list)
    enabled_builtin_subagents: Mapped[list[str]] = mapped_column(JSONB, default=list)
    mcp_servers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    companion_files: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


class AssistantSkill(Base):
    """A skill attached to an assistant."""

    __tablename__ = "assistant_skills"

    assistant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("assistants.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SkillReaction(Base):
    """A user's like or dislike of a skill (one per user)."""

    __tablename__ = "skill_reactions"

    skill_id: Mapped[str] = mapped_column(String(64), ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    reaction: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SkillEvent(Base):
    """A skill lifecycle event reported by a client (installs and removals by coding agents)."""

    __tablename__ = "skill_events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    session_id: Mapped[str] = mapped_column(String(200))
    command: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    skill_slug: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    skill_name: Mapped[str | None] = mapped_column(String(200), default=None)
    skill_id: Mapped[str | None] = mapped_column(String(64), default=None)
    source: Mapped[str | None] = mapped_column(String(500), default=None)
    target_agents: Mapped[list[str]] = mapped_column(JSONB, default=list)
    agent: Mapped[str] = mapped_column(String(100), default="codemie-skills")
    project: Mapped[str | None] = mapped_column(String(320), default=None)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
