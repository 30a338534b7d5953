"""SQL for authentication state kept in PostgreSQL: failed-login counters (one row per account or address)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import LoginThrottle, RevokedToken


async def locked_until(session: AsyncSession, keys: Sequence[str], now: datetime) -> datetime | None:
    """The latest lock-out end among `keys` still in force at `now` (None: none is locked out)."""
    result = await session.execute(
        select(func.max(LoginThrottle.locked_until)).where(
            LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now
        )
    )
    return result.scalar_one_or_none()


async def count_failure(session: AsyncSession, key: str, now: datetime, window_start: datetime) -> int:
    """Count one failure for `key` in the current window (a window older than `window_start` starts over)."""
    new = insert(LoginThrottle).values(key=key, failures=1, window_started_at=now, locked_until=None)
    expired = LoginThrottle.window_started_at <= window_start
    stmt = new.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "failures": case((expired, 1), else_=LoginThrottle.failures + 1),
            "window_started_at": case((expired, now), else_=LoginThrottle.window_started_at),
        },
    ).returning(LoginThrottle.failures)
    return int((await session.execute(stmt)).scalar_one())


async def lock_out(session: AsyncSession, key: str, now: datetime, until: datetime) -> None:
    """Lock `key` out until `until`; its count starts over."""
    await session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(locked_until=until, failures=0, window_started_at=now)
    )


async def clear(session: AsyncSession, key: str) -> None:
    """Forget `key`'s failures (a successful login)."""
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


async def forget_stale(session: AsyncSession, window_start: datetime, now: datetime, limit: int = 100) -> None:
    """Drop up to `limit` rows whose window is over and which are not locked out (keeps the table small)."""
    stale = (
        select(LoginThrottle.key)
        .where(
            LoginThrottle.window_started_at <= window_start,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
        )
        .limit(limit)
    )
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(stale)))


async def revoked_token(session: AsyncSession, jti: str) -> RevokedToken | None:
    """The revocation of a local token, if it is revoked."""
    found = await session.execute(select(RevokedToken).where(RevokedToken.jti == jti))
    return found.scalar_one_or_none()
