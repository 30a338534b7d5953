"""/v1/feedback and /v1/conversations/{id}/feedback: verdicts on answers and conversations (HTTP only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.conversations import feedback, views
from codemill.conversations.feedback_schemas import (
    FeedbackCreate,
    FeedbackCreated,
    FeedbackDelete,
    FeedbackEntryOut,
    FinalFeedback,
    FinalFeedbackOut,
)
from codemill.conversations.sharing_schemas import MessageOut
from codemill.kit.params import PageNumber

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post("/feedback", response_model=FeedbackCreated)
async def create_feedback(body: FeedbackCreate, session: Session, principal: CurrentPrincipal) -> FeedbackCreated:
    """Like or dislike the answer of one turn of the caller's conversation."""
    return FeedbackCreated(id=(await feedback.create(session, principal, body)).id)


@router.delete("/feedback", response_model=MessageOut)
async def delete_feedback(
    body: Annotated[FeedbackDelete, Body()], session: Session, principal: CurrentPrincipal
) -> MessageOut:
    """Withdraw one's verdict."""
    await feedback.delete(session, principal, body)
    return MessageOut(message="Specified feedback entry removed")


@router.get("/feedback", response_model=list[FeedbackEntryOut])
async def list_feedback(
    session: Session,
    principal: CurrentPrincipal,
    page: PageNumber = 0,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[FeedbackEntryOut]:
    """Every feedback entry, newest first (platform admins)."""
    entries = await feedback.list_all(session, principal, page, per_page)
    return [views.feedback_entry(e) for e in entries]


@router.get("/feedback/{feedback_id}", response_model=FeedbackEntryOut)
async def get_feedback(feedback_id: str, session: Session, principal: CurrentPrincipal) -> FeedbackEntryOut:
    """One entry (its author's, or any for a platform admin)."""
    return views.feedback_entry(await feedback.get(session, principal, feedback_id))


@router.post("/conversations/{conversation_id}/feedback", response_model=FinalFeedbackOut)
async def final_feedback(
    conversation_id: str, body: FinalFeedback, session: Session, principal: CurrentPrincipal
) -> FinalFeedbackOut:
    """The owner's verdict on the whole conversation (shown as final_user_mark)."""
    conversation = await feedback.final_user_mark(session, principal, conversation_id, body)
    return FinalFeedbackOut(user_id=conversation.user_id, conversation_id=conversation.id)
