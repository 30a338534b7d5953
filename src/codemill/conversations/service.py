"""Conversation logic: list, read, rename, folders, history edits. Takes a session, never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import repository as assistants_repository
from codemill.assistants import service as assistants
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.conversations import repository, views
from codemill.conversations.schemas import (
    ConversationCreate,
    ConversationOut,
    ConversationSummaryOut,
    ConversationUpdate,
    FinishedOut,
    FolderOut,
    HistoryEdit,
    HistoryUpsert,
    HistoryUpsertOut,
)
from codemill.errors import BadRequest, Conflict, NotFound
from codemill.models import Conversation, ConversationFolder, ConversationMessage
from codemill.models.base import new_id
from codemill.users import repository as users_repository


async def get_owned(session: AsyncSession, principal: Principal, conversation_id: str) -> Conversation:
    """The caller's conversation; 404 for missing and for other users' conversations."""
    return policy.ensure_conversation_owner(principal, await repository.get(session, conversation_id))


def finished(conversation_id: str) -> Conflict:
    """The error for changing a finished conversation (409, as CodeMie)."""
    return Conflict("Conversation is finished", details={"conversation_id": conversation_id})


def ensure_open(conversation: Conversation) -> None:
    """Finished conversations accept no more changes."""
    if conversation.finished_at is not None:
        raise finished(conversation.id)


async def list_conversations(
    session: AsyncSession, principal: Principal, finished: bool | None
) -> list[ConversationSummaryOut]:
    """The caller's conversations, newest first."""
    return [views.summary(c) for c in await repository.list_for_user(session, principal.user_id, finished)]


async def details(
    session: AsyncSession,
    principal: Principal,
    conversation: Conversation,
    *,
    user_name: str | None = None,
    abilities: list[str] | None = None,
) -> ConversationOut:
    """A conversation with its history, its feedback marks and the assistants (still visible to the caller)."""
    messages = await repository.messages(session, conversation.id)
    ids = list(conversation.assistant_ids or [])
    found = {a.id: a for a in await assistants_repository.get_many(session, ids)}
    visible = [found[i] for i in ids if i in found and policy.can_view_assistant(principal, found[i])]
    marks = {
        f.history_index: views.feedback_mark(f)
        for f in await repository.feedback_for(session, conversation.id)
        if f.author == "user"
    }
    name = user_name or principal.name or principal.email
    if user_name is None and conversation.user_id != principal.user_id:  # an admin's review, a shared link
        owner = await users_repository.get(session, conversation.user_id)
        name = (owner.name or owner.email) if owner is not None else ""
    return views.details(conversation, messages, visible, name, marks, abilities)


async def create(session: AsyncSession, principal: Principal, body: ConversationCreate) -> Conversation:
    """An empty conversation, optionally with its first assistant (which the caller must see)."""
    project = principal.current_project
    assistant_ids: list[str] = []
    if body.initial_assistant_id:
        assistant = await assistants.get_visible(session, principal, body.initial_assistant_id)
        project = assistant.project
        assistant_ids = [assistant.id]
    conversation = Conversation(
        id=new_id(),
        user_id=principal.user_id,
        project=project,
        name="",
        folder=(body.folder or "").strip() or None,
        assistant_ids=assistant_ids,
        initial_assistant_id=body.initial_assistant_id,
    )
    session.add(conversation)
    await session.flush()
    return conversation


async def update(
    session: AsyncSession, principal: Principal, conversation_id: str, body: ConversationUpdate
) -> Conversation:
    """Rename, move to a folder ('' for none), pin or unpin."""
    conversation = await get_owned(session, principal, conversation_id)
    if body.name is not None:
        conversation.name = body.name.strip()
    if body.folder is not None:
        conversation.folder = body.folder.strip() or None
    if body.pinned is not None:
        conversation.pinned = body.pinned
    if body.llm_model is not None:
        conversation.llm_model = body.llm_model or None
    await session.flush()
    return conversation


async def delete(session: AsyncSession, principal: Principal, conversation_id: str) -> None:
    """Remove a conversation and its history."""
    await session.delete(await get_owned(session, principal, conversation_id))
    await session.flush()


async def delete_all(session: AsyncSession, principal: Principal) -> None:
    """Remove all of the caller's conversations and folders."""
    await repository.delete_for_user(session, principal.user_id)


async def files(session: AsyncSession, principal: Principal, conversation_id: str) -> list[str]:
    """The files attached to the conversation's messages."""
    conversation = await get_owned(session, principal, conversation_id)
    names: dict[str, None] = {}
    for message in await repository.messages(session, conversation.id):
        names.update(dict.fromkeys(message.file_names or []))
    return list(names)


async def finish(session: AsyncSession, principal: Principal, conversation_id: str) -> FinishedOut:
    """Mark a conversation finished (owner only: 404 without read access, then 403; 409 when it already is)."""
    conversation = policy.ensure_conversation_finishable(principal, await repository.get(session, conversation_id))
    ensure_open(conversation)
    conversation.finished_at = datetime.now(UTC)
    await session.flush()
    return views.finished(conversation)


# History


async def delete_history_index(
    session: AsyncSession, principal: Principal, conversation_id: str, index: int
) -> Conversation:
    """Remove one turn (every message of that history index); later turns move up by one."""
    conversation = await get_owned(session, principal, conversation_id)
    ensure_open(conversation)
    if not await repository.delete_history_index(session, conversation.id, index):
        raise NotFound(f"History index {index} not found", details={"history_index": index})
    conversation.updated_at = datetime.now(UTC)
    await session.flush()
    return conversation


async def clear_history(session: AsyncSession, principal: Principal, conversation_id: str) -> Conversation:
    """Remove every message."""
    conversation = await get_owned(session, principal, conversation_id)
    ensure_open(conversation)
    await repository.clear_history(session, conversation.id)
    conversation.updated_at = datetime.now(UTC)
    await session.flush()
    return conversation


async def edit_history(
    session: AsyncSession, principal: Principal, conversation_id: str, index: int, body: HistoryEdit
) -> Conversation:
    """Replace the assistant's answer of turn `index` (its `message_index`-th variant, else the latest)."""
    conversation = await get_owned(session, principal, conversation_id)
    ensure_open(conversation)
    answers = [
        m
        for m in await repository.messages(session, conversation.id)
        if m.history_index == index and m.role == "Assistant"
    ]
    if not answers:
        raise NotFound(f"History index {index} not found", details={"history_index": index})
    chosen = (
        answers[body.message_index]
        if body.message_index is not None and body.message_index < len(answers)
        else answers[-1]
    )
    chosen.message = body.message
    chosen.message_raw = body.message
    conversation.updated_at = datetime.now(UTC)
    await session.flush()
    return conversation


async def upsert_history(
    session: AsyncSession, principal: Principal, conversation_id: str, body: HistoryUpsert
) -> HistoryUpsertOut:
    """Create the conversation with this id, or append the messages it does not have yet (by role and date)."""
    if not body.history:
        raise BadRequest("History cannot be empty", details={"field": "history"})
    existing = await repository.get(session, conversation_id)
    created = existing is None
    if existing is None:
        project = principal.current_project
        if body.assistant_id:
            project = (await assistants.get_visible(session, principal, body.assistant_id)).project
        conversation = Conversation(
            id=conversation_id,
            user_id=principal.user_id,
            project=project,
            name=body.history[0].message[:100],
            folder=body.folder,
            assistant_ids=[body.assistant_id] if body.assistant_id else [],
            initial_assistant_id=body.assistant_id,
        )
        session.add(conversation)
    else:
        conversation = policy.ensure_conversation_owner(principal, existing)
        ensure_open(conversation)
    have = {
        (m.role, m.created_at) for m in (await repository.messages(session, conversation_id) if not created else [])
    }
    position, _ = await repository.next_slots(session, conversation_id) if not created else (0, 0)
    added = 0
    for item in body.history:
        role = "User" if item.role.lower() == "user" else "Assistant"
        if (role, item.date) in have:
            continue
        session.add(
            ConversationMessage(
                conversation_id=conversation_id,
                position=position + added,
                history_index=item.history_index,
                role=role,
                message=item.message,
                created_at=item.date,
                response_time=item.response_time,
                input_tokens=item.input_tokens,
                output_tokens=item.output_tokens,
                money_spent=item.money_spent,
                assistant_id=item.assistant_id or body.assistant_id,
                file_names=item.file_names,
                thoughts=item.thoughts or [],
            )
        )
        added += 1
    conversation.updated_at = datetime.now(UTC)
    await session.flush()
    total = len(have) + added
    return HistoryUpsertOut(conversation_id=conversation_id, new_messages=added, total_messages=total, created=created)


# Folders


async def list_folders(session: AsyncSession, principal: Principal) -> list[FolderOut]:
    """The caller's folders."""
    return [views.folder(f) for f in await repository.folders(session, principal.user_id)]


async def create_folder(session: AsyncSession, principal: Principal, name: str) -> None:
    """A new folder (400 when the caller already has one by that name, as CodeMie)."""
    if await repository.folder(session, principal.user_id, name) is not None:
        raise BadRequest("Folder name already exists", details="Folder name should be unique")
    session.add(ConversationFolder(user_id=principal.user_id, name=name))
    try:
        await session.flush()
    except IntegrityError as exc:
        raise BadRequest("Folder name already exists", details="Folder name should be unique") from exc


async def rename_folder(session: AsyncSession, principal: Principal, old: str, new: str) -> None:
    """Rename a folder; its conversations follow."""
    if old == new:
        return
    if await repository.folder(session, principal.user_id, new) is not None:
        raise BadRequest("Folder name already exists", details="Folder name should be unique")
    row = await repository.folder(session, principal.user_id, old)
    if row is None:
        raise NotFound("Folder not found", details={"folder": old})
    row.name = new
    await repository.move_folder(session, principal.user_id, old, new)
    await session.flush()


async def delete_folder(session: AsyncSession, principal: Principal, name: str, remove_conversations: bool) -> None:
    """Remove a folder; its conversations are deleted or moved out of it."""
    row = await repository.folder(session, principal.user_id, name)
    if row is None:  # as renaming one: a folder that does not exist is a 404, not a silent success
        raise NotFound("Folder not found", details={"folder": name})
    if remove_conversations:
        await repository.delete_in_folder(session, principal.user_id, name)
    else:
        await repository.move_folder(session, principal.user_id, name, None)
    await session.delete(row)
    await session.flush()


async def with_messages(
    session: AsyncSession, principal: Principal, conversation_id: str
) -> tuple[Conversation, Sequence[ConversationMessage]]:
    """The caller's own conversation and all its stored messages, in order."""
    conversation = await get_owned(session, principal, conversation_id)
    return conversation, await repository.messages(session, conversation.id)
