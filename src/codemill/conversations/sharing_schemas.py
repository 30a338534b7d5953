"""API models for conversation share links (the SDK's ConversationShare* and SharedConversationResponse)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ShareCreate(BaseModel):
    """POST /v1/share/conversations."""

    chat_id: str = Field(min_length=1, max_length=64)


class ShareOut(BaseModel):
    """A share link: the token is the link's secret part."""

    share_id: str
    token: str
    created_at: str
    access_count: int


class ConversationDetailsOut(BaseModel):
    """A conversation with its history (the SDK's ConversationDetails; the history entries as views.history_item)."""

    model_config = ConfigDict(extra="allow")

    id: str
    conversation_id: str
    conversation_name: str
    date: str
    update_date: str
    user_id: str
    user_name: str
    project: str | None
    history: list[dict[str, Any]]
    final_user_mark: dict[str, Any] | None
    final_operator_mark: dict[str, Any] | None
    user_abilities: list[str]


class SharedConversationOut(BaseModel):
    """A shared conversation, opened read-only through its token."""

    conversation: ConversationDetailsOut
    shared_by: str
    created_at: str
    access_count: int


class MessageOut(BaseModel):
    """A confirmation."""

    message: str
