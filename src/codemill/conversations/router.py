"""/v1/conversations: list, read, rename, delete, folders, history edits (a conversation is its user's alone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.conversations import service
from codemill.conversations.schemas import (
    ConversationCreate,
    ConversationOut,
    ConversationSummaryOut,
    ConversationUpdate,
    FinishedOut,
    FolderOut,
    FolderRequest,
    HistoryEdit,
    HistoryUpsert,
    HistoryUpsertOut,
)
from codemill.kit.api_schemas import MessageOut
from codemill.kit.params import PathInt32

router = APIRouter(prefix="/v1", tags=["conversations"])


@router.get("/conversations", response_model=list[ConversationSummaryOut])
async def list_conversations(
    session: Session,
    principal: CurrentPrincipal,
    is_finished: Annotated[bool | None, Query(alias="isFinished")] = None,
) -> list[ConversationSummaryOut]:
    """The caller's conversations, most recent first."""
    return await service.list_conversations(session, principal, is_finished)


@router.post("/conversations", response_model=ConversationOut)
async def create_conversation(
    body: ConversationCreate, session: Session, principal: CurrentPrincipal
) -> ConversationOut:
    """A new, empty conversation."""
    conversation = await service.create(session, principal, body)
    return await service.details(session, principal, conversation)


@router.delete("/conversations", response_model=MessageOut)
async def delete_all_conversations(session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Remove all of the caller's conversations and folders."""
    await service.delete_all(session, principal)
    return MessageOut(message="Conversation history cleared")


@router.get("/conversations/folders/list", response_model=list[FolderOut])
async def list_folders(session: Session, principal: CurrentPrincipal) -> list[FolderOut]:
    """The caller's folders."""
    return await service.list_folders(session, principal)


@router.post("/conversations/folder", response_model=MessageOut)
async def create_folder(body: FolderRequest, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """A new folder."""
    await service.create_folder(session, principal, body.folder)
    return MessageOut(message="Folder created")


@router.put("/conversations/folder/{folder:path}", response_model=MessageOut)
async def rename_folder(folder: str, body: FolderRequest, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Rename a folder (its conversations follow)."""
    await service.rename_folder(session, principal, folder, body.folder)
    return MessageOut(message="Folder name updated")


@router.delete("/conversations/folder/{folder:path}", response_model=MessageOut)
async def delete_folder(
    folder: str, session: Session, principal: CurrentPrincipal, remove_conversations: bool = False
) -> MessageOut:
    """Remove a folder; its conversations are deleted too when asked, else moved out."""
    await service.delete_folder(session, principal, folder, remove_conversations)
    return MessageOut(message="Folder removed")


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
async def get_conversation(conversation_id: str, session: Session, principal: CurrentPrincipal) -> ConversationOut:
    """A conversation with its history."""
    conversation = await service.get_owned(session, principal, conversation_id)
    return await service.details(session, principal, conversation)


@router.put("/conversations/{conversation_id}", response_model=ConversationOut)
async def update_conversation(
    conversation_id: str, body: ConversationUpdate, session: Session, principal: CurrentPrincipal
) -> ConversationOut:
    """Rename, move to a folder, pin."""
    conversation = await service.update(session, principal, conversation_id, body)
    return await service.details(session, principal, conversation)


@router.delete("/conversations/{conversation_id}", response_model=MessageOut)
async def delete_conversation(conversation_id: str, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Remove a conversation."""
    await service.delete(session, principal, conversation_id)
    return MessageOut(message="Specified conversation removed")


@router.get("/conversations/{conversation_id}/files")
async def conversation_files(conversation_id: str, session: Session, principal: CurrentPrincipal) -> list[str]:
    """Files attached in the conversation."""
    return await service.files(session, principal, conversation_id)


@router.post("/conversations/{conversation_id}/finish", response_model=FinishedOut)
async def finish_conversation(conversation_id: str, session: Session, principal: CurrentPrincipal) -> FinishedOut:
    """Mark the conversation finished."""
    return await service.finish(session, principal, conversation_id)


@router.put("/conversations/{conversation_id}/history", response_model=HistoryUpsertOut)
async def upsert_history(
    conversation_id: str, body: HistoryUpsert, session: Session, principal: CurrentPrincipal
) -> HistoryUpsertOut:
    """Create the conversation with this history, or append the messages it lacks."""
    return await service.upsert_history(session, principal, conversation_id, body)


@router.delete("/conversations/{conversation_id}/history", response_model=ConversationOut)
async def clear_history(conversation_id: str, session: Session, principal: CurrentPrincipal) -> ConversationOut:
    """Remove every message."""
    conversation = await service.clear_history(session, principal, conversation_id)
    return await service.details(session, principal, conversation)


@router.delete("/conversations/{conversation_id}/history/{history_index}", response_model=ConversationOut)
async def delete_history_index(
    conversation_id: str, history_index: PathInt32, session: Session, principal: CurrentPrincipal
) -> ConversationOut:
    """Remove one turn; the later ones move up."""
    conversation = await service.delete_history_index(session, principal, conversation_id, history_index)
    return await service.details(session, principal, conversation)


@router.put("/conversations/{conversation_id}/history/{history_index}", response_model=ConversationOut)
async def edit_history(
    conversation_id: str, history_index: PathInt32, body: HistoryEdit, session: Session, principal: CurrentPrincipal
) -> ConversationOut:
    """Replace the assistant's answer of one turn."""
    conversation = await service.edit_history(session, principal, conversation_id, history_index, body)
    return await service.details(session, principal, conversation)
