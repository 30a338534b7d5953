"""API models for the admin's view of conversations (the SDK's AdminConversationListResponse, finish-bulk)."""

from __future__ import annotations

from datetime import datetime

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from codemill.conversations.schemas import ConversationSummaryOut
from codemill.kit.api_schemas import Pagination


class AdminConversationSummaryOut(ConversationSummaryOut):
    """A list entry (the SDK's Conversation) with its owner."""

    user_id: str


class AdminConversationListOut(BaseModel):
    """One page of every user's conversations."""

    data: list[AdminConversationSummaryOut]
    pagination: Pagination


class FinishBulkRequest(BaseModel):
    """POST /v1/admin/conversations/finish-bulk."""

    model_config = ConfigDict(populate_by_name=True)

    conversation_ids: list[str] = Field(
        min_length=1,
        max_length=500,
        validation_alias=AliasChoices("conversationIds", "conversation_ids"),
    )


class FinishResult(BaseModel):
    """What happened to one id."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    conversation_id: str = Field(serialization_alias="conversationId")
    already_finished: bool = Field(default=False, serialization_alias="alreadyFinished")
    finished_at: datetime | None = Field(default=None, serialization_alias="finishedAt")
    error: str | None = None


class FinishBulkOut(BaseModel):
    """Per-id results."""

    total: int
    results: list[FinishResult]
