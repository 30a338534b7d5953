"""SQL for conversations, their history messages and folders (the only queries of this domain)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import DateTime, Float, Integer, String, Text, bindparam, case, cast, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

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


async def owner_of(session: AsyncSession, conversation_id: str) -> tuple[str, datetime | None] | None:
    """(user_id, finished_at) of a conversation, or None when there is none with this id."""
    result = await session.execute(
        select(Conversation.user_id, Conversation.finished_at).where(Conversation.id == conversation_id)
    )
    row = result.one_or_none()
    return None if row is None else (row[0], row[1])


@cache
def _turn_upsert() -> Any:
    """INSERT … ON CONFLICT for a turn's conversation, built once (only the parameters change)."""
    assistant: BindParameter[str] = bindparam("assistant_id", type_=String)
    stmt = insert(Conversation).values(
        id=bindparam("id"),
        user_id=bindparam("user_id"),
        project=bindparam("project"),
        name=bindparam("name"),
        folder=None,
        pinned=False,
        assistant_ids=func.jsonb_build_array(cast(assistant, String)),
        initial_assistant_id=assistant,
        llm_model=bindparam("llm_model"),
        created_at=bindparam("created_at"),
        updated_at=bindparam("updated_at"),
    )
    joined = func.jsonb_build_array(cast(assistant, String))
    return stmt.on_conflict_do_update(
        index_elements=["id"],
        set_={
            "updated_at": stmt.excluded.updated_at,
            "llm_model": stmt.excluded.llm_model,
            "name": case((Conversation.name == "", stmt.excluded.name), else_=Conversation.name),
            "assistant_ids": case(
                (Conversation.assistant_ids.contains(joined), Conversation.assistant_ids),
                else_=Conversation.assistant_ids.op("||")(joined),
            ),
        },
        where=Conversation.user_id == stmt.excluded.user_id,
    ).returning(Conversation.id)


async def upsert_for_turn(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Create the conversation or touch it for a new turn, in one statement that also row-locks it.

    `values`: id, user_id, project, name, assistant_id, llm_model, created_at, updated_at. The assistant
    joins `assistant_ids`, an empty name takes the turn's, the model is remembered. False when the id
    belongs to another user's conversation (nothing is changed then).
    """
    result = await session.execute(_turn_upsert(), values)
    return result.scalar_one_or_none() is not None


# The turn's usage rows (a JSON array of llm_usage rows): the first step of both statements that store a turn.
_USAGE_ROWS_CTE = """
    WITH usage AS (
        INSERT INTO llm_usage (
            id, created_at, user_id, project, assistant_id, conversation_id, source, model, provider,
            input_tokens, output_tokens, estimated, cost, latency_ms, status
        )
        SELECT id, created_at, user_id, project, assistant_id, conversation_id, source, model, provider,
               input_tokens, output_tokens, estimated, cost, latency_ms, status
        FROM jsonb_to_recordset(CAST(:usage AS jsonb)) AS u(
            id varchar, created_at timestamptz, user_id varchar, project varchar, assistant_id varchar,
            conversation_id varchar, source varchar, model varchar, provider varchar, input_tokens integer,
            output_tokens integer, estimated boolean, cost double precision, latency_ms double precision,
            status varchar
        )
    )"""

# The question and the answer of a turn, placed after the conversation's last message, and the turn's
# usage rows (a JSON array of llm_usage rows), in one statement. Run after upsert_for_turn has locked the
# conversation, so concurrent turns cannot take the same slots.
_APPEND_TURN = text(
    _USAGE_ROWS_CTE  # noqa: S608  (two constants; every value is a bound parameter)
    + """,
    slots AS (
        SELECT COALESCE(MAX(position), -1) + 1 AS position,
               COALESCE(CAST(:history_index AS integer), COALESCE(MAX(history_index), -1) + 1) AS history_index
        FROM conversation_messages WHERE conversation_id = :conversation_id
    )
    INSERT INTO conversation_messages (
        id, conversation_id, position, history_index, role, message, message_raw, created_at,
        response_time, input_tokens, output_tokens, money_spent, assistant_id, file_names, thoughts, status,
        parent_id
    )
    SELECT :question_id, :conversation_id, position, history_index, 'User', :question,
           CAST(:question_raw AS text), CAST(:asked_at AS timestamptz), NULL, NULL, NULL, NULL, :assistant_id,
           CAST(:file_names AS jsonb), CAST('[]' AS jsonb), 'success',
           -- The answer this question follows: the one the client names (when it is this conversation's),
           -- else the newest answer of the turn before.
           COALESCE(
               (SELECT id FROM conversation_messages WHERE conversation_id = :conversation_id
                    AND id = CAST(:parent_id AS varchar) AND role = 'Assistant'),
               (SELECT id FROM conversation_messages WHERE conversation_id = :conversation_id
                    AND role = 'Assistant' AND history_index = slots.history_index - 1
                ORDER BY position DESC LIMIT 1)
           )
    FROM slots
    UNION ALL
    SELECT :answer_id, :conversation_id, position + 1, history_index, 'Assistant', :answer, NULL,
           CAST(:answered_at AS timestamptz), CAST(:response_time AS double precision),
           CAST(:input_tokens AS integer), CAST(:output_tokens AS integer), CAST(:money_spent AS double precision),
           :assistant_id, CAST('[]' AS jsonb), CAST(:thoughts AS jsonb), :status, NULL
    FROM slots
    """
).bindparams(
    bindparam("question_raw", type_=Text),
    bindparam("parent_id", type_=String),
    bindparam("asked_at", type_=DateTime(timezone=True)),
    bindparam("answered_at", type_=DateTime(timezone=True)),
    bindparam("response_time", type_=Float),
    bindparam("input_tokens", type_=Integer),
    bindparam("output_tokens", type_=Integer),
    bindparam("money_spent", type_=Float),
    bindparam("file_names", type_=JSONB),
    bindparam("thoughts", type_=JSONB),
    bindparam("usage", type_=JSONB),
)


async def append_turn(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert a turn's two messages and its usage rows (see _APPEND_TURN for the parameters; `parent_id`,
    the answer the question follows, may be left out)."""
    await session.execute(_APPEND_TURN, {"parent_id": None, **values})


# A begun turn's answer, finished: its text, status and figures, and the turn's usage rows, in one statement.
_FINISH_TURN = text(
    _USAGE_ROWS_CTE  # noqa: S608  (two constants; every value is a bound parameter)
    + """
    UPDATE conversation_messages
    SET message = :answer, status = :status, created_at = CAST(:answered_at AS timestamptz),
        response_time = CAST(:response_time AS double precision), input_tokens = CAST(:input_tokens AS integer),
        output_tokens = CAST(:output_tokens AS integer), money_spent = CAST(:money_spent AS double precision),
        thoughts = CAST(:thoughts AS jsonb)
    WHERE id = :answer_id
    """
).bindparams(
    bindparam("answered_at", type_=DateTime(timezone=True)),
    bindparam("response_time", type_=Float),
    bindparam("input_tokens", type_=Integer),
    bindparam("output_tokens", type_=Integer),
    bindparam("money_spent", type_=Float),
    bindparam("thoughts", type_=JSONB),
    bindparam("usage", type_=JSONB),
)


async def finish_turn(session: AsyncSession, values: dict[str, Any]) -> None:
    """Store a begun turn's answer and its usage rows (see _FINISH_TURN for the parameters)."""
    await session.execute(_FINISH_TURN, values)


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
