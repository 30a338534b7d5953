"""Automation runs: each time a webhook or a schedule started its assistant, workflow or reindex."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id


class AutomationRun(Timestamps, Base):
    """One trigger of a Webhook or Scheduler integration, with its outcome.

    A schedule's run carries the fire time it stands for; (integration, fire time) is unique, so of
    several workers ticking through the same minute exactly one records (and so starts) the run.
    """

    __tablename__ = "automation_runs"
    __table_args__ = (UniqueConstraint("integration_id", "fire_time"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    integration_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("integrations.id", ondelete="CASCADE"), index=True
    )
    trigger: Mapped[str] = mapped_column(String(16))
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    fire_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # What the trigger carried in (a webhook's JSON payload; a schedule's prompt), bounded when stored.
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # What it started (execution / job / conversation ids, an answer excerpt) or why it failed.
    result: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    duration_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    job_id: Mapped[int | None] = mapped_column(Integer, default=None)
