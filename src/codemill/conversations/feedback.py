"""Feedback on answers (likes/dislikes by history index) and final verdicts on whole conversations.

Users judge their own conversations; platform admins review every entry and may add an operator's mark.
CodeMie lists every feedback entry to any signed-in user; Codemill keeps that list for platform admins.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.conversations import repository
from codemill.conversations.feedback_schemas import FeedbackAuthor, FeedbackCreate, FeedbackDelete, FinalFeedback
from codemill.errors import NotFound, access_denied, not_found
from codemill.models import Conversation, MessageFeedback


async def _judged_conversation(
    session: AsyncSession, principal: Principal, conversation_id: str, author: FeedbackAuthor
) -> Conversation:
    """Users judge their own conversations; an operator's feedback is for platform admins."""
    conversation = await repository.get(session, conversation_id)
    if author is FeedbackAuthor.OPERATOR:
        if conversation is None or not policy.can_read_conversation_as_admin(principal, conversation):
            raise not_found("Conversation", conversation_id)
        if not policy.is_platform_admin(principal):
            raise access_denied("give operator feedback on")
        return conversation
    if conversation is None or not policy.can_view_conversation(principal, conversation):
        raise not_found("Conversation", conversation_id)
    return conversation


async def create(session: AsyncSession, principal: Principal, body: FeedbackCreate) -> MessageFeedback:
    """Store a verdict on a turn's answer; the author's earlier verdict on the same turn is replaced."""
    conversation = await _judged_conversation(session, principal, body.conversation_id, body.author)
    if not any(m.history_index == body.message_index for m in await repository.messages(session, conversation.id)):
        raise NotFound(f"History index {body.message_index} not found", details={"messageIndex": body.message_index})
    entry = next(
        (
            f
            for f in await repository.feedback_for(session, conversation.id)
            if f.history_index == body.message_index and f.author == body.author and f.user_id == principal.user_id
        ),
        None,
    )
    if entry is None:
        entry = MessageFeedback(
            conversation_id=conversation.id, user_id=principal.user_id, history_index=body.message_index
        )
        session.add(entry)
    entry.assistant_id = body.assistant_id
    entry.author = body.author
    entry.mark = body.mark
    entry.request = body.request
    entry.response = body.response
    entry.comments = body.comments
    entry.type = body.type
    entry.created_at = datetime.now(UTC)
    await session.flush()
    return entry


async def delete(session: AsyncSession, principal: Principal, body: FeedbackDelete) -> None:
    """Remove one's own verdict (404 for anybody else's, as for a missing one)."""
    await _judged_conversation(session, principal, body.conversation_id, body.author)
    entry = await repository.feedback(session, body.feedback_id)
    if (
        entry is None
        or entry.conversation_id != body.conversation_id
        or entry.history_index != body.message_index
        or entry.user_id != principal.user_id
    ):
        raise not_found("Feedback", body.feedback_id)
    await session.delete(entry)
    await session.flush()


async def list_all(session: AsyncSession, principal: Principal, page: int, per_page: int) -> Sequence[MessageFeedback]:
    """Every feedback entry, newest first (platform admins)."""
    policy.require_admin(principal)
    return await repository.all_feedback(session, page * per_page, per_page)


async def get(session: AsyncSession, principal: Principal, feedback_id: str) -> MessageFeedback:
    """One entry: its author's and the platform admins'."""
    entry = await repository.feedback(session, feedback_id)
    if entry is None or (entry.user_id != principal.user_id and not policy.is_platform_admin(principal)):
        raise not_found("Feedback", feedback_id)
    return entry


def _mark(body: FinalFeedback) -> dict[str, Any]:
    return {"mark": body.mark, "rating": body.rating, "comments": body.comments or "", "date": _now()}


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def final_user_mark(
    session: AsyncSession, principal: Principal, conversation_id: str, body: FinalFeedback
) -> Conversation:
    """The owner's verdict on the whole conversation."""
    conversation = await repository.get(session, conversation_id)
    if conversation is None or not policy.can_view_conversation(principal, conversation):
        raise not_found("Conversation", conversation_id)
    conversation.final_user_mark = _mark(body)
    await session.flush()
    return conversation


async def admin_conversation(
    session: AsyncSession, principal: Principal, user_id: str, conversation_id: str
) -> Conversation:
    """A user's conversation as a platform admin reviews it."""
    policy.require_admin(principal)
    conversation = await repository.get(session, conversation_id)
    if conversation is None or conversation.user_id != user_id:
        raise not_found("Conversation", conversation_id)
    return conversation


async def final_operator_mark(
    session: AsyncSession, principal: Principal, user_id: str, conversation_id: str, body: FinalFeedback
) -> Conversation:
    """A platform admin's verdict on a user's conversation, signed with the operator's name."""
    conversation = await admin_conversation(session, principal, user_id, conversation_id)
    conversation.final_operator_mark = _mark(body) | {
        "operator": {"user_id": principal.user_id, "name": principal.name or principal.email}
    }
    await session.flush()
    return conversation
