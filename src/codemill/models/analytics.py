"""Analytics: hourly and daily roll-ups of usage (kept by a trigger on insert), tool calls, budgets, cost centers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id, utcnow


class _UsageRollup:
    """Usage summed per bucket and dimensions; '' stands for "none" so the key has no NULLs."""

    bucket: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    project: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    assistant_id: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    workflow_id: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    model: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    source: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    requests: Mapped[int] = mapped_column(BigInteger, default=0)
    errors: Mapped[int] = mapped_column(BigInteger, default=0)
    input_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    output_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cached_input_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost: Mapped[float] = mapped_column(Float, default=0.0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)


class UsageHourly(_UsageRollup, Base):
    """Usage per UTC hour."""

    __tablename__ = "usage_hourly"
    __table_args__ = (
        Index("ix_usage_hourly_project_bucket", "project", "bucket"),
        Index("ix_usage_hourly_user_id_bucket", "user_id", "bucket"),
    )


class UsageDaily(_UsageRollup, Base):
    """Usage per UTC day."""

    __tablename__ = "usage_daily"
    __table_args__ = (
        Index("ix_usage_daily_project_bucket", "project", "bucket"),
        Index("ix_usage_daily_user_id_bucket", "user_id", "bucket"),
        # Per-assistant counters (users who chatted with it) on assistant lists.
        Index("ix_usage_daily_assistant_id", "assistant_id"),
    )


class ToolUsage(Base):
    """One tool call of a chat turn (or a workflow step): which tool, from which MCP server, how it went."""

    __tablename__ = "tool_usage"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[str | None] = mapped_column(String(64), default=None)
    project: Mapped[str | None] = mapped_column(String(200), default=None)
    assistant_id: Mapped[str | None] = mapped_column(String(64), default=None)
    workflow_id: Mapped[str | None] = mapped_column(String(64), default=None)
    tool: Mapped[str] = mapped_column(String(200))
    mcp_server: Mapped[str | None] = mapped_column(String(200), default=None)
    status: Mapped[str] = mapped_column(String(16), default="success")
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)


class _ToolRollup:
    bucket: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    project: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    assistant_id: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    tool: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    mcp_server: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    calls: Mapped[int] = mapped_column(BigInteger, default=0)
    errors: Mapped[int] = mapped_column(BigInteger, default=0)
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)


class ToolHourly(_ToolRollup, Base):
    """Tool calls per UTC hour."""

    __tablename__ = "tool_usage_hourly"


class ToolDaily(_ToolRollup, Base):
    """Tool calls per UTC day."""

    __tablename__ = "tool_usage_daily"


class CostCenter(Base):
    """A group of projects whose spending is budgeted together."""

    __tablename__ = "cost_centers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(String(2000), default=None)
    created_by: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CostCenterProject(Base):
    """A project's cost center (a project belongs to at most one)."""

    __tablename__ = "cost_center_projects"

    project: Mapped[str] = mapped_column(String(200), primary_key=True)
    cost_center_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("cost_centers.id", ondelete="CASCADE"), index=True
    )


class Budget(Timestamps, Base):
    """A spending limit on a user, a project or a cost center, for a period that resets by itself."""

    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("scope", "subject", name="uq_budgets_scope_subject"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    scope: Mapped[str] = mapped_column(String(16))
    # A user id, a project name or a cost center id, depending on scope.
    subject: Mapped[str] = mapped_column(String(200))
    soft_budget: Mapped[float | None] = mapped_column(Float, default=None)
    max_budget: Mapped[float | None] = mapped_column(Float, default=None)
    budget_duration: Mapped[str] = mapped_column(String(16), default="monthly")
    # A manual reset: spending counts from here (minus what the period had spent by then).
    reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    spent_at_reset: Mapped[float] = mapped_column(Float, default=0.0)
    created_by: Mapped[str] = mapped_column(String(320), default="")


class ProjectBudgetGroup(Timestamps, Base):
    """A project's budget split into categories (platform, cli, premium_models), each a share of the total.

    The period (`budget_duration`, e.g. "30d") runs from `period_anchor` (creation or the last reset) and
    repeats; `spent_at_reset` holds, per category, what the anchor's hour had spent before a reset.
    """

    __tablename__ = "project_budget_groups"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    project_name: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(500), default=None)
    total_amount: Mapped[float] = mapped_column(Float)
    budget_duration: Mapped[str] = mapped_column(String(16))
    # {"platform": {"pct": 60.0, "soft_budget": 12.0 | None}, ...}
    categories: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    notification_owner_email: Mapped[str | None] = mapped_column(String(320), default=None)
    soft_limit_notify_once: Mapped[bool] = mapped_column(Boolean, default=False)
    period_anchor: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    spent_at_reset: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_by: Mapped[str] = mapped_column(String(320), default="")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
