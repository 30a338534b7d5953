"""LLM usage: one row per model call, the data analytics and budgets read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, new_id, utcnow


class LLMUsage(Base):
    """A model call: tokens, cost (USD, from the catalogue), latency, and who/what it was for."""

    __tablename__ = "llm_usage"
    __table_args__ = (Index("ix_llm_usage_project_created_at", "project", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    # Plain names and ids: usage is a historical record that outlives renamed or deleted objects.
    project: Mapped[str | None] = mapped_column(String(320), default=None)
    assistant_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    workflow_id: Mapped[str | None] = mapped_column(String(64), default=None)
    source: Mapped[str] = mapped_column(String(32), default="chat")
    model: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(64))
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    # Input tokens the provider served from its prompt cache (part of input_tokens).
    cached_input_tokens: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # True when the provider reported no usage and the tokens were counted locally.
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    cost: Mapped[float] = mapped_column(Float, default=0.0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), default="success")
