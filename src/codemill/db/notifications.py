"""PostgreSQL LISTEN for the whole process: one connection for every channel it follows, reconnecting.

A LISTEN connection is a PostgreSQL backend of its own (~15-25 MB); the auth caches and the plugin-key
revocations each held one. Followers subscribe before `start()`; each is told when the connection is up
(`on_connected`: catch up on what was missed) and when it is lost (`on_disconnected`: stop trusting caches).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg

from codemill.db.engine import libpq_dsn

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 5.0
RECONNECT_SECONDS = 1.0


def _nothing() -> None:
    return None


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel and what its follower does with a payload, a (re)connection and a lost connection."""

    channel: str
    on_notify: Callable[[str], None]
    on_connected: Callable[[], None]
    on_disconnected: Callable[[], None]


class Notifications:
    """One reconnecting LISTEN connection for the channels subscribed to (before `start`)."""

    def __init__(self, database_url: str, application_name: str = "codemill-listen") -> None:
        self._dsn = libpq_dsn(database_url)
        self._application_name = application_name
        self._subscriptions: list[Subscription] = []
        self._task: asyncio.Task[None] | None = None

    def subscribe(
        self,
        channel: str,
        on_notify: Callable[[str], None],
        *,
        on_connected: Callable[[], None] = _nothing,
        on_disconnected: Callable[[], None] = _nothing,
    ) -> None:
        """Follow `channel` (only before `start`: the connection listens to what it knows when it connects)."""
        if self._task is not None:
            raise RuntimeError(f"subscribe to {channel!r} before the listener starts")
        self._subscriptions.append(Subscription(channel, on_notify, on_connected, on_disconnected))

    def start(self) -> None:
        """Listen in the background until stopped (nothing to do without subscriptions)."""
        if self._task is None and self._subscriptions:
            self._task = asyncio.create_task(self._listen(), name="db-notifications")

    async def stop(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen(self) -> None:
        while True:
            try:
                conn = await asyncpg.connect(self._dsn, server_settings={"application_name": self._application_name})
                try:
                    for sub in self._subscriptions:
                        await conn.add_listener(sub.channel, _deliver(sub))
                    for sub in self._subscriptions:
                        sub.on_connected()
                    while not conn.is_closed():
                        await asyncio.sleep(KEEPALIVE_SECONDS)
                        await conn.execute("SELECT 1")  # a dead link shows here, not at the next NOTIFY
                finally:
                    for sub in self._subscriptions:
                        sub.on_disconnected()
                    with contextlib.suppress(Exception):
                        await conn.close()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("database notification listener disconnected; retrying", extra={"error": str(exc)})
            await asyncio.sleep(RECONNECT_SECONDS)


def _deliver(sub: Subscription) -> Callable[[Any, int, str, str], None]:
    def on_notify(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            sub.on_notify(payload)
        except Exception:  # one follower's failure must not stop the others' deliveries
            log.exception("handling a database notification failed", extra={"channel": sub.channel})

    return on_notify
