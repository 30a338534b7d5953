"""API models for conversation share links (the SDK's ConversationShare* and SharedConversationResponse)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from codemill.conversations.schemas import ConversationOut


class ShareCreate(BaseModel):
    """POST /v1/share/conversations."""

    chat_id: str = Field(min_length=1, max_length=64)


class ShareOut(BaseModel):
    """A share link: the token is the link's secret part."""

    share_id: str
    token: str
    created_at: str
    access_count: int


class SharedConversationOut(BaseModel):
    """A shared conversation, opened read-only through its token."""

    conversation: ConversationOut
    shared_by: str
    created_at: str
    access_count: int


class MessageOut(BaseModel):
    """A confirmation."""

    message: str
