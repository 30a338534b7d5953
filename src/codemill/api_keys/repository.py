"""SQL for personal API keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import ApiKey


async def by_hash(session: AsyncSession, key_hash: str) -> ApiKey | None:
    """The key with this hash (revoked or not)."""
    found = await session.execute(select(ApiKey).where(ApiKey.key_hash == key_hash))
    return found.scalar_one_or_none()


async def of_user(session: AsyncSession, user_id: str) -> list[ApiKey]:
    """The user's keys that are not revoked, newest first."""
    found = await session.execute(
        select(ApiKey)
        .where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
        .order_by(ApiKey.created_at.desc(), ApiKey.id)
    )
    return list(found.scalars())


async def get_for_update(session: AsyncSession, key_id: str) -> ApiKey | None:
    """A key by id, its row locked until the transaction ends."""
    if "\x00" in key_id:
        return None
    return await session.get(ApiKey, key_id, with_for_update=True)
