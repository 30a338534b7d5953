"""The hook through which share tokens open files to users who do not own them.

Conversation share links (another part) register one check at startup: given a share token and a
file, it says whether the token's shared conversation carries that file. With no check registered,
share tokens open nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import StoredFile

# (session, share token, file) -> whether the token grants the file.
ShareCheck = Callable[[AsyncSession, str, StoredFile], Awaitable[bool]]

_CHECKS: list[ShareCheck] = []


def register_share_check(check: ShareCheck) -> None:
    """Add a check (idempotent)."""
    if check not in _CHECKS:
        _CHECKS.append(check)


async def shared(session: AsyncSession, share_token: str | None, stored: StoredFile | None) -> bool:
    """Whether a registered check lets this token open the file."""
    if not share_token or stored is None:
        return False
    for check in _CHECKS:
        if await check(session, share_token, stored):
            return True
    return False
