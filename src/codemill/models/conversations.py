"""Conversations, their history messages, and conversation folders."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from codemill.models.base import Base, Timestamps, new_id, utcnow


class Conversation(Timestamps, Base):
    """A user's chat. Its id may come from the client (the SDK sends a fresh UUID per chat)."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_id_updated_at", "user_id", "updated_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"))
    project: Mapped[str | None] = mapped_column(String(320), default=None)
    name: Mapped[str] = mapped_column(String(500), default="")
    folder: Mapped[str | None] = mapped_column(String(200), default=None)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    assistant_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    initial_assistant_id: Mapped[str | None] = mapped_column(String(64), default=None)
    llm_model: Mapped[str | None] = mapped_column(String(200), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # CodeMie's Mark ({mark, rating, comments, date[, operator]}): the user's and an operator's verdict.
    final_user_mark: Mapped[dict[str, Any] | None] = mapped_column(JSONB, default=None)
    final_operator_mark: Mapped[dict[str, Any] | None] = mapped_column(JSONB, default=None)


class TurnStatus(StrEnum):
    """An assistant message's status in the history."""

    SUCCESS = "success"
    ERROR = "error"
    # The client went away, or the server died mid-answer (marked when another server notices).
    INTERRUPTED = "interrupted"
    # Being answered: saved before the model runs; the answer so far is saved now and then.
    IN_PROGRESS = "in_progress"


class ConversationMessage(Base):
    """One history message. A turn is a User and an Assistant message sharing a history index."""

    __tablename__ = "conversation_messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "position"),
        # Turns still being answered: found quickly when a restart marks the ones a crash left behind.
        Index("ix_conversation_messages_in_progress", "created_at", postgresql_where=text("status = 'in_progress'")),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(String(64), ForeignKey("conversations.id", ondelete="CASCADE"))
    # Order of the messages in the conversation (gaps allowed).
    position: Mapped[int] = mapped_column(Integer)
    history_index: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")
    message_raw: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    response_time: Mapped[float | None] = mapped_column(Float, default=None)
    input_tokens: Mapped[int | None] = mapped_column(Integer, default=None)
    output_tokens: Mapped[int | None] = mapped_column(Integer, default=None)
    money_spent: Mapped[float | None] = mapped_column(Float, default=None)
    assistant_id: Mapped[str | None] = mapped_column(String(64), default=None)
    file_names: Mapped[list[str]] = mapped_column(JSONB, default=list)
    thoughts: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # A TurnStatus
    status: Mapped[str] = mapped_column(String(16), default="success")
    # On a question: the answer it follows (None: the first turn). Turns sharing a parent are versions of
    # each other (a regenerated answer, an edited question); each starts its own branch.
    parent_id: Mapped[str | None] = mapped_column(String(64), default=None)


class ConversationFolder(Timestamps, Base):
    """A user's folder of conversations (conversations refer to it by name, as in CodeMie)."""

    __tablename__ = "conversation_folders"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class ConversationShare(Base):
    """A read-only share link of a conversation: whoever signs in with the token may read it until revoked."""

    __tablename__ = "conversation_shares"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    access_count: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class MessageFeedback(Base):
    """A like/dislike on an assistant's answer (CodeMie's FeedbackEntry), by its author."""

    __tablename__ = "message_feedback"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("users.id", ondelete="CASCADE"))
    history_index: Mapped[int] = mapped_column(Integer)
    assistant_id: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(16), default="user")
    mark: Mapped[str] = mapped_column(String(32))
    request: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")
    comments: Mapped[str | None] = mapped_column(Text, default=None)
    type: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
