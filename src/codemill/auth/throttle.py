"""Failed local logins throttled per account and per client address, counted in PostgreSQL so that every
replica sees the same counts: past the limit within the window, the account (or address) gets 429 with
Retry-After until its lock-out ends, whatever password it sends."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.auth import repository
from codemill.errors import TooManyRequests
from codemill.settings import LoginSettings


def _utcnow() -> datetime:
    return datetime.now(UTC)


class LoginThrottle:
    """Counts failed logins and refuses attempts while a lock-out is in force."""

    def __init__(
        self,
        settings: LoginSettings,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.clock = clock

    @staticmethod
    def account_key(email: str) -> str:
        """The counter of one account (by the email as typed, normalised)."""
        # NUL cannot be stored in PostgreSQL text; the key only has to tell accounts apart.
        return f"account:{email.strip().lower().replace(chr(0), '')[:320]}"

    @staticmethod
    def address_key(address: str | None) -> str:
        """The counter of one client address."""
        return f"address:{address or 'unknown'}"

    async def check(self, session: AsyncSession, email: str, address: str | None) -> None:
        """429 with Retry-After while the account or the address is locked out."""
        now = self.clock()
        until = await repository.locked_until(session, [self.account_key(email), self.address_key(address)], now)
        if until is not None:
            wait = math.ceil((until - now).total_seconds())
            raise TooManyRequests(
                "Too many failed logins; try again later",
                retry_after_seconds=wait,
                details={"retry_after_seconds": wait},
                help="Wait for the time in the Retry-After header, then log in again.",
            )

    async def failed(self, email: str, address: str | None) -> None:
        """Count a failure for the account and the address (in its own transaction: the request's rolls back)."""
        conf = self.settings
        now = self.clock()
        window_start = now - timedelta(seconds=conf.window_seconds)
        limits = {
            self.account_key(email): conf.max_failures_per_account,
            self.address_key(address): conf.max_failures_per_address,
        }
        async with self.sessions() as session, session.begin():
            for key, limit in limits.items():
                if await repository.count_failure(session, key, now, window_start) >= limit:
                    await repository.lock_out(session, key, now, now + timedelta(seconds=conf.lockout_seconds))
            await repository.forget_stale(session, window_start, now)

    async def succeeded(self, session: AsyncSession, email: str) -> None:
        """A successful login clears the account's count (the address's stays: it may be guessing others)."""
        await repository.clear(session, self.account_key(email))
