"""Personal API keys (OpenAI-compatible clients, CI jobs) and A2A tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id, utcnow


class ApiKey(Base):
    """A user's personal API key: only its keyed hash is stored (the key is shown once, at creation)."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the key, so the owner can tell keys apart in a list.
    prefix: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class A2ATask(Timestamps, Base):
    """An A2A task: one assistant's work on a message, kept so `tasks/get` and `tasks/cancel` find it."""

    __tablename__ = "a2a_tasks"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    assistant_id: Mapped[str] = mapped_column(String(64), ForeignKey("assistants.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    context_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(32))
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    artifacts: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
