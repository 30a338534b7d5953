"""/v1/admin/conversations and an admin's review of a user's conversation (HTTP only; platform admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.conversations import admin, feedback, service
from codemill.conversations.admin_schemas import AdminConversationListOut, FinishBulkOut, FinishBulkRequest
from codemill.conversations.feedback_schemas import FinalFeedback
from codemill.conversations.schemas import ConversationOut
from codemill.kit.params import PageNumber

router = APIRouter(prefix="/v1/admin", tags=["admin conversations"])


@router.get("/conversations", response_model=AdminConversationListOut)
async def list_conversations(
    session: Session,
    principal: CurrentPrincipal,
    page: PageNumber = 0,
    per_page: Annotated[int, Query(alias="perPage", ge=1, le=1000)] = 20,
    is_finished: Annotated[bool | None, Query(alias="isFinished")] = None,
    started_at: Annotated[datetime | None, Query(alias="startedAt")] = None,
    project: Annotated[str | None, Query(max_length=320)] = None,
) -> AdminConversationListOut:
    """Every user's conversations, newest first; by state, start time and project."""
    body = await admin.list_page(
        session,
        principal,
        finished=is_finished,
        started_after=started_at,
        project=project,
        page=page,
        per_page=per_page,
    )
    return body


@router.post("/conversations/finish-bulk", response_model=FinishBulkOut, response_model_by_alias=True)
async def finish_bulk(body: FinishBulkRequest, session: Session, principal: CurrentPrincipal) -> FinishBulkOut:
    """Finish up to 500 conversations; idempotent per id."""
    results = await admin.finish_many(session, principal, body.conversation_ids)
    return FinishBulkOut(total=len(results), results=results)


@router.get("/users/{user_id}/conversations/{conversation_id}", response_model=ConversationOut)
async def review_conversation(
    user_id: str, conversation_id: str, session: Session, principal: CurrentPrincipal
) -> ConversationOut:
    """A user's conversation with its feedback (the SDK's ConversationDetails)."""
    conversation = await feedback.admin_conversation(session, principal, user_id, conversation_id)
    return await service.details(session, principal, conversation, abilities=["read"])


@router.put("/users/{user_id}/conversations/{conversation_id}/feedback", response_model=ConversationOut)
async def operator_feedback(
    user_id: str, conversation_id: str, body: FinalFeedback, session: Session, principal: CurrentPrincipal
) -> ConversationOut:
    """An operator's verdict on a user's conversation (shown as final_operator_mark)."""
    conversation = await feedback.final_operator_mark(session, principal, user_id, conversation_id, body)
    return await service.details(session, principal, conversation, abilities=["read"])
