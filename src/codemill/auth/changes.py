"""Announcing changes that affect who may do what, so every replica drops its cached principals.

NOTIFY is transactional: other processes hear it only if the transaction commits. The process that made
the change also evicts locally right after its commit (see auth.dependencies.session_scope).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.db.statements import notify

CHANNEL = "codemill_auth"
SESSION_KEY = "auth_changes"


async def announce(session: AsyncSession, *keys: str) -> None:
    """Record that principals keyed by `keys` ("user:<id>", "token:<jti>", "all") are stale."""
    pending: set[str] = session.info.setdefault(SESSION_KEY, set())
    for key in keys:
        if key in pending:
            continue
        pending.add(key)
        await notify(session, CHANNEL, key)


async def user_changed(session: AsyncSession, user_id: str) -> None:
    """The user's roles, memberships or status changed."""
    await announce(session, f"user:{user_id}")


def pending_changes(session: AsyncSession) -> set[str]:
    """The keys announced in this session's transaction (taken once)."""
    result: set[str] = session.info.pop(SESSION_KEY, set())
    return result
