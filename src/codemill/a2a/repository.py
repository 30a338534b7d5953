"""SQL for A2A tasks."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import A2ATask


async def get_for_update(session: AsyncSession, task_id: str) -> A2ATask | None:
    """A task by id, its row locked until the transaction ends."""
    if "\x00" in task_id:
        return None
    return await session.get(A2ATask, task_id, with_for_update=True)


async def get(session: AsyncSession, task_id: str) -> A2ATask | None:
    """A task by id."""
    return None if "\x00" in task_id else await session.get(A2ATask, task_id)


def add(session: AsyncSession, task: A2ATask) -> None:
    """Record a new task (flushed with the session)."""
    session.add(task)
