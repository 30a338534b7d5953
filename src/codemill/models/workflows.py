"""Workflows (YAML-defined chains of assistants, tools and custom nodes) and their durable executions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id, utcnow


class Workflow(Timestamps, Base):
    """A workflow: identity, sharing, and its current YAML configuration."""

    __tablename__ = "workflows"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    project: Mapped[str] = mapped_column(
        String(200), ForeignKey("projects.name", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    created_by: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    mode: Mapped[str] = mapped_column(String(32), default="Sequential")
    # Visible to every member of the project (otherwise: creator, project admins, platform admins).
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    icon_url: Mapped[str | None] = mapped_column(Text, default=None)
    categories: Mapped[list[str]] = mapped_column(JSONB, default=list)
    yaml_config: Mapped[str] = mapped_column(Text)


class WorkflowYamlVersion(Base):
    """A YAML configuration the workflow had (every create and update adds one)."""

    __tablename__ = "workflow_yaml_versions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    workflow_id: Mapped[str] = mapped_column(String(64), ForeignKey("workflows.id", ondelete="CASCADE"), index=True)
    yaml_config: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), default=utcnow)


class WorkflowExecution(Timestamps, Base):
    """One run of a workflow. `checkpoint` holds the engine's frontier and context store (see workflows.engine)."""

    __tablename__ = "workflow_executions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    workflow_id: Mapped[str] = mapped_column(String(64), ForeignKey("workflows.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    prompt: Mapped[str] = mapped_column(Text, default="")
    conversation_id: Mapped[str | None] = mapped_column(String(64), default=None)
    # The YAML the execution runs (a later edit of the workflow does not change a running execution).
    yaml_config: Mapped[str] = mapped_column(Text)
    checkpoint: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    job_id: Mapped[int | None] = mapped_column(Integer, default=None)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    money_spent: Mapped[float] = mapped_column(Float, default=0.0)


class WorkflowExecutionState(Base):
    """One run of one state (each iteration of an `iter_key` fan-out is its own row)."""

    __tablename__ = "workflow_execution_states"
    __table_args__ = (UniqueConstraint("execution_id", "token"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    execution_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("workflow_executions.id", ondelete="CASCADE"), index=True
    )
    # Which engine token this row runs (unique per execution: a restarted run reuses the row).
    token: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    task: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32))
    output: Mapped[str | None] = mapped_column(Text, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    thoughts: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), default=utcnow)


class WorkflowTransition(Base):
    """A move from one state to the next, with the context store as it was then."""

    __tablename__ = "workflow_transitions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    execution_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("workflow_executions.id", ondelete="CASCADE"), index=True
    )
    from_state_id: Mapped[str | None] = mapped_column(String(255), default=None)
    to_state_id: Mapped[str] = mapped_column(String(255))
    workflow_context: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), default=utcnow)
