"""Files' SQL: rows of uploaded files, their bytes, and the files a conversation's messages name."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import ConversationMessage, StoredFile


async def add(session: AsyncSession, stored: StoredFile) -> None:
    """Insert a file's row (its bytes are written by the file store)."""
    session.add(stored)
    await session.flush()


async def get(session: AsyncSession, file_id: str) -> StoredFile | None:
    """A file's row without its bytes."""
    return await session.get(StoredFile, file_id)


async def write_content(session: AsyncSession, file_id: str, content: bytes) -> None:
    """Store a file's bytes in its row."""
    await session.execute(update(StoredFile).where(StoredFile.id == file_id).values(content=content))


async def read_content(session: AsyncSession, file_id: str) -> bytes | None:
    """A file's bytes, None when the row is gone."""
    found = await session.execute(select(StoredFile.content).where(StoredFile.id == file_id))
    return found.scalar_one_or_none()


async def owned(session: AsyncSession, owner_id: str, file_ids: list[str]) -> list[StoredFile]:
    """The owner's files among these ids (others' are left out), in upload order."""
    if not file_ids:
        return []
    rows = await session.scalars(
        select(StoredFile)
        .where(StoredFile.owner_id == owner_id, StoredFile.id.in_(file_ids))
        .order_by(StoredFile.created_at)
    )
    return list(rows)


async def conversation_file_names(session: AsyncSession, conversation_id: str) -> list[str]:
    """The file names (ids or URLs) the conversation's stored messages carry, first seen first."""
    rows = await session.scalars(
        select(ConversationMessage.file_names)
        .where(ConversationMessage.conversation_id == conversation_id)
        .order_by(ConversationMessage.position)
    )
    names: dict[str, None] = {}
    for listed in rows:
        names.update(dict.fromkeys(listed or []))
    return list(names)
