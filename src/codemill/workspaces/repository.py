"""SQL for workspaces and their files."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import Conversation, Workspace, WorkspaceFile
from codemill.models.base import new_id


async def by_id(session: AsyncSession, workspace_id: str) -> Workspace | None:
    """A workspace by id."""
    return await session.get(Workspace, workspace_id)


async def by_conversation(session: AsyncSession, conversation_id: str) -> Workspace | None:
    """The workspace of a conversation."""
    found = await session.execute(select(Workspace).where(Workspace.conversation_id == conversation_id))
    return found.scalar_one_or_none()


async def conversation_owner(session: AsyncSession, conversation_id: str) -> str | None:
    """The user owning a stored conversation (None: no such conversation yet)."""
    found = await session.execute(select(Conversation.user_id).where(Conversation.id == conversation_id))
    return found.scalar_one_or_none()


async def add(session: AsyncSession, conversation_id: str, user_id: str, name: str | None) -> Workspace:
    """The conversation's workspace, inserted unless a concurrent request made it first (then that one)."""
    await session.execute(
        insert(Workspace)
        .values(id=new_id(), conversation_id=conversation_id, user_id=user_id, name=name, status="active")
        .on_conflict_do_nothing(index_elements=["conversation_id"])
    )
    found = await by_conversation(session, conversation_id)
    assert found is not None
    return found


async def files(session: AsyncSession, workspace_id: str) -> list[WorkspaceFile]:
    """A workspace's files, by path."""
    found = await session.execute(
        select(WorkspaceFile).where(WorkspaceFile.workspace_id == workspace_id).order_by(WorkspaceFile.path)
    )
    return list(found.scalars())


async def file(session: AsyncSession, workspace_id: str, path: str) -> WorkspaceFile | None:
    """One file of a workspace."""
    return await session.get(WorkspaceFile, (workspace_id, path))


async def put_file(session: AsyncSession, item: WorkspaceFile) -> WorkspaceFile:
    """Store a new file row (an existing row is changed in place by the caller)."""
    session.add(item)
    await session.flush()
    return item


async def delete_file(session: AsyncSession, workspace_id: str, path: str) -> bool:
    """Remove a file; whether one was there."""
    done = await session.execute(
        delete(WorkspaceFile).where(WorkspaceFile.workspace_id == workspace_id, WorkspaceFile.path == path)
    )
    return bool(getattr(done, "rowcount", 0))
