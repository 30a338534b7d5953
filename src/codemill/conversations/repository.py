"""SQL for conversations, their history messages and folders (the only queries of this domain)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import (
    Conversation,
    ConversationFolder,
    ConversationMessage,
    ConversationShare,
    MessageFeedback,
    TurnStatus,
)


async def get(session: AsyncSession, conversation_id: str) -> Conversation | None:
    """A conversation by id."""
    return await session.get(Conversation, conversation_id)


async def save_partial_answer(session: AsyncSession, answer_id: str, answer: str, saved_at: datetime) -> None:
    """The answer so far of a turn still in progress (its time is the turn's heartbeat). A turn that another
    server took for abandoned during a long silence (a slow tool) is in progress again."""
    await session.execute(
        update(ConversationMessage)
        .where(
            ConversationMessage.id == answer_id,
            ConversationMessage.status.in_([TurnStatus.IN_PROGRESS, TurnStatus.INTERRUPTED]),
        )
        .values(message=answer, created_at=saved_at, status=TurnStatus.IN_PROGRESS)
    )


async def mark_abandoned_turns(session: AsyncSession, silent_since: datetime, note: str) -> int:
    """Turns still in progress with no sign of life since `silent_since` (their server died): interrupted,
    keeping the answer saved so far (`note` when there is none). The number marked."""
    result = await session.execute(
        update(ConversationMessage)
        .where(ConversationMessage.status == TurnStatus.IN_PROGRESS, ConversationMessage.created_at < silent_since)
        .values(
            status=TurnStatus.INTERRUPTED,
            message=case((ConversationMessage.message == "", note), else_=ConversationMessage.message),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def list_for_user(session: AsyncSession, user_id: str, finished: bool | None = None) -> Sequence[Conversation]:
    """A user's conversations, most recently updated first."""
    query = select(Conversation).where(Conversation.user_id == user_id)
    if finished is not None:
        query = query.where(Conversation.finished_at.is_not(None) if finished else Conversation.finished_at.is_(None))
    result = await session.execute(query.order_by(Conversation.updated_at.desc()))
    return result.scalars().all()


async def messages(session: AsyncSession, conversation_id: str) -> Sequence[ConversationMessage]:
    """A conversation's history in order."""
    result = await session.execute(
        select(ConversationMessage)
        .where(ConversationMessage.conversation_id == conversation_id)
        .order_by(ConversationMessage.position)
    )
    return result.scalars().all()


async def next_slots(session: AsyncSession, conversation_id: str) -> tuple[int, int]:
    """The next free position and the next history index."""
    result = await session.execute(
        select(
            func.coalesce(func.max(ConversationMessage.position), -1),
            func.coalesce(func.max(ConversationMessage.history_index), -1),
        ).where(ConversationMessage.conversation_id == conversation_id)
    )
    position, index = result.one()
    return int(position) + 1, int(index) + 1


async def delete_history_index(session: AsyncSession, conversation_id: str, history_index: int) -> int:
    """Remove a turn and close the gap in the indexes after it; the number of messages removed."""
    result = await session.execute(
        delete(ConversationMessage).where(
            ConversationMessage.conversation_id == conversation_id, ConversationMessage.history_index == history_index
        )
    )
    await session.execute(
        update(ConversationMessage)
        .where(
            ConversationMessage.conversation_id == conversation_id, ConversationMessage.history_index > history_index
        )
        .values(history_index=ConversationMessage.history_index - 1)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def clear_history(session: AsyncSession, conversation_id: str) -> None:
    """Remove every message of a conversation."""
    await session.execute(delete(ConversationMessage).where(ConversationMessage.conversation_id == conversation_id))


async def delete_for_user(session: AsyncSession, user_id: str) -> None:
    """Remove all of a user's conversations and folders."""
    await session.execute(delete(Conversation).where(Conversation.user_id == user_id))
    await session.execute(delete(ConversationFolder).where(ConversationFolder.user_id == user_id))


async def folders(session: AsyncSession, user_id: str) -> Sequence[ConversationFolder]:
    """A user's folders by name."""
    result = await session.execute(
        select(ConversationFolder).where(ConversationFolder.user_id == user_id).order_by(ConversationFolder.name)
    )
    return result.scalars().all()


async def folder(session: AsyncSession, user_id: str, name: str) -> ConversationFolder | None:
    """A user's folder by name."""
    result = await session.execute(
        select(ConversationFolder).where(ConversationFolder.user_id == user_id, ConversationFolder.name == name)
    )
    return result.scalar_one_or_none()


async def move_folder(session: AsyncSession, user_id: str, old: str, new: str | None) -> None:
    """Point the user's conversations in folder `old` at `new` (None: no folder)."""
    await session.execute(
        update(Conversation).where(Conversation.user_id == user_id, Conversation.folder == old).values(folder=new)
    )


async def delete_in_folder(session: AsyncSession, user_id: str, name: str) -> None:
    """Remove the user's conversations in a folder."""
    await session.execute(delete(Conversation).where(Conversation.user_id == user_id, Conversation.folder == name))


# Admin listing


async def list_all(
    session: AsyncSession,
    *,
    finished: bool | None,
    started_after: datetime | None,
    project: str | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Conversation], int]:
    """Every user's conversations (newest first), filtered; one page and the total."""
    query = select(Conversation)
    if finished is not None:
        query = query.where(Conversation.finished_at.is_not(None) if finished else Conversation.finished_at.is_(None))
    if started_after is not None:
        query = query.where(Conversation.created_at >= started_after)
    if project is not None:
        query = query.where(Conversation.project == project)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    page = await session.execute(query.order_by(Conversation.created_at.desc()).offset(offset).limit(limit))
    return page.scalars().all(), int(total)


async def get_many(session: AsyncSession, ids: Sequence[str]) -> Sequence[Conversation]:
    """Conversations by id (missing ids are left out), locked for update."""
    result = await session.execute(select(Conversation).where(Conversation.id.in_(ids)).with_for_update())
    return result.scalars().all()


# Share links


async def share_by_token(session: AsyncSession, token: str) -> ConversationShare | None:
    """A share link by its token (revoked ones too)."""
    result = await session.execute(select(ConversationShare).where(ConversationShare.token == token))
    return result.scalar_one_or_none()


async def active_share(session: AsyncSession, conversation_id: str, user_id: str) -> ConversationShare | None:
    """The user's live share link of a conversation, if any."""
    result = await session.execute(
        select(ConversationShare)
        .where(
            ConversationShare.conversation_id == conversation_id,
            ConversationShare.user_id == user_id,
            ConversationShare.revoked_at.is_(None),
        )
        .order_by(ConversationShare.created_at.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def count_share_access(session: AsyncSession, share_id: str) -> int:
    """Count one more opening of a share link; the new count."""
    result = await session.execute(
        update(ConversationShare)
        .where(ConversationShare.id == share_id)
        .values(access_count=ConversationShare.access_count + 1)
        .returning(ConversationShare.access_count)
    )
    return int(result.scalar_one())


# Feedback


async def feedback(session: AsyncSession, feedback_id: str) -> MessageFeedback | None:
    """A feedback entry by id."""
    return await session.get(MessageFeedback, feedback_id)


async def feedback_for(session: AsyncSession, conversation_id: str) -> Sequence[MessageFeedback]:
    """A conversation's feedback entries, oldest first."""
    result = await session.execute(
        select(MessageFeedback)
        .where(MessageFeedback.conversation_id == conversation_id)
        .order_by(MessageFeedback.created_at)
    )
    return result.scalars().all()


async def all_feedback(session: AsyncSession, offset: int, limit: int) -> Sequence[MessageFeedback]:
    """Every feedback entry, newest first (one page)."""
    result = await session.execute(
        select(MessageFeedback).order_by(MessageFeedback.created_at.desc()).offset(offset).limit(limit)
    )
    return result.scalars().all()
