"""Statements about the database itself rather than a domain's tables: liveness, NOTIFY, commit durability."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession


async def ping(engine: AsyncEngine) -> None:
    """Raises when the database does not answer."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def notify(session: AsyncSession, channel: str, payload: str) -> None:
    """pg_notify in the session's transaction: listeners hear it only if the transaction commits."""
    await session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload})


async def relax_commit_durability(session: AsyncSession) -> None:
    """This transaction's commit returns before its WAL is flushed (work that is redone after a crash)."""
    await session.execute(text("SET LOCAL synchronous_commit = off"))
