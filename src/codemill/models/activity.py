"""Activity events: an append-only audit log of sign-ins and changes (who did what to which object, when)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, new_id, utcnow


class ActivityEvent(Base):
    """One event; rows are only ever inserted (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "activity_events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    domain: Mapped[str] = mapped_column(String(64), index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str | None] = mapped_column(String(64), default=None)
    entity_id: Mapped[str | None] = mapped_column(String(200), default=None)
    actor_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    actor_email: Mapped[str | None] = mapped_column(String(320), default=None)
    actor_name: Mapped[str | None] = mapped_column(String(320), default=None)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
