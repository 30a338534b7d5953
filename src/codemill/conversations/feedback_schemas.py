"""API models for feedback on answers (the SDK's FeedbackCreateRequest/Response, FeedbackDeleteRequest)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from codemill.kit.params import INT32_MAX


class FeedbackMark(StrEnum):
    """The verdict on an answer."""

    CORRECT = "correct"
    PARTIALLY_CORRECT = "partially correct"
    WRONG = "wrong"


class FeedbackAuthor(StrEnum):
    """Who gives the feedback."""

    USER = "user"
    OPERATOR = "operator"


class _Fields(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    conversation_id: str = Field(
        min_length=1, max_length=64, validation_alias=AliasChoices("conversationId", "conversation_id")
    )
    message_index: int = Field(ge=0, le=INT32_MAX, validation_alias=AliasChoices("messageIndex", "message_index"))
    assistant_id: str = Field(max_length=64, validation_alias=AliasChoices("assistant_id", "assistantId"))
    author: FeedbackAuthor = FeedbackAuthor.USER


class FeedbackCreate(_Fields):
    """POST /v1/feedback: a verdict on the answer of one turn."""

    request: str = Field(max_length=400_000)
    response: str = Field(max_length=400_000)
    mark: FeedbackMark
    comments: str | None = Field(default=None, max_length=10_000)
    type: str | None = Field(default=None, max_length=100)
    feedback_id: str | None = None


class FeedbackDelete(_Fields):
    """DELETE /v1/feedback."""

    feedback_id: str = Field(min_length=1, max_length=64, validation_alias=AliasChoices("feedbackId", "feedback_id"))


class FeedbackCreated(BaseModel):
    """The stored entry's id."""

    id: str


class FeedbackEntryOut(BaseModel):
    """A feedback entry (CodeMie's FeedbackEntry, camelCase)."""

    id: str
    date: str
    conversationId: str
    messageIndex: int
    assistantId: str
    userId: str
    author: str
    mark: str
    comments: str | None
    type: str | None
    request: str
    response: str


class FinalFeedback(BaseModel):
    """POST /v1/conversations/{id}/feedback (and an operator's mark): a verdict on the whole conversation."""

    model_config = ConfigDict(extra="ignore")

    mark: str = Field(min_length=1, max_length=32)
    rating: int = Field(default=0, ge=0, le=10)
    comments: str | None = Field(default=None, max_length=10_000)


class FinalFeedbackOut(BaseModel):
    """Whose conversation received the verdict."""

    user_id: str
    conversation_id: str
