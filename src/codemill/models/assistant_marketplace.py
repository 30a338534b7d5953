"""What the marketplace shows around assistants: the categories they are filed under, and users' reactions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, utcnow


class AssistantCategory(Timestamps, Base):
    """A category assistants are filed under (`Assistant.categories` holds these ids); admins manage them."""

    __tablename__ = "assistant_categories"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text, default=None)


class AssistantReaction(Base):
    """A user's like or dislike of an assistant (one per user)."""

    __tablename__ = "assistant_reactions"

    assistant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("assistants.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    reaction: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
