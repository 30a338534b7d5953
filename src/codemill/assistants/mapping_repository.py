"""SQL for assistant user mappings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import AssistantUserMapping
from codemill.models.base import new_id, utcnow


async def get(session: AsyncSession, assistant_id: str, user_id: str, scope: str) -> AssistantUserMapping | None:
    """A user's mapping for an assistant in one scope (the assistant everywhere, or one workflow)."""
    found = await session.execute(
        select(AssistantUserMapping).where(
            AssistantUserMapping.assistant_id == assistant_id,
            AssistantUserMapping.user_id == user_id,
            AssistantUserMapping.workflow_id == scope,
        )
    )
    return found.scalars().first()


async def remove(session: AsyncSession, assistant_id: str, user_id: str, scope: str) -> None:
    """Forget a user's mapping for an assistant in one scope."""
    await session.execute(
        delete(AssistantUserMapping).where(
            AssistantUserMapping.assistant_id == assistant_id,
            AssistantUserMapping.user_id == user_id,
            AssistantUserMapping.workflow_id == scope,
        )
    )


async def upsert(
    session: AsyncSession, assistant_id: str, user_id: str, scope: str, tools_config: list[dict[str, Any]]
) -> None:
    """Store a user's mapping for an assistant in one scope, replacing what was there (one statement, so
    two saves at once cannot collide)."""
    now = utcnow()
    statement = insert(AssistantUserMapping).values(
        id=new_id(),
        assistant_id=assistant_id,
        user_id=user_id,
        workflow_id=scope,
        tools_config=tools_config,
        created_at=now,
        updated_at=now,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["assistant_id", "user_id", "workflow_id"],
            set_={"tools_config": statement.excluded.tools_config, "updated_at": now},
        )
    )
