"""In-process caches of verified tokens and loaded principals, kept honest by PostgreSQL LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import asyncpg

from codemill.auth.changes import CHANNEL
from codemill.auth.principal import Principal

log = logging.getLogger(__name__)


class AuthCache:
    """Token → verified identity, and user id → principal. Safe to drop at any time."""

    def __init__(self, principal_ttl: float = 60.0, max_tokens: int = 20_000) -> None:
        self._principal_ttl = principal_ttl
        self._max_tokens = max_tokens
        self._tokens: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._token_ids: dict[str, str] = {}
        self._principals: dict[str, tuple[float, Principal]] = {}
        self._listener: asyncio.Task[None] | None = None
        # With a listener configured, principals are served from cache only while it is connected.
        self._live = True

    # -- tokens ---------------------------------------------------------------------------------------
    def get_token(self, token: str) -> Any | None:
        """The identity a token was verified to, if still valid."""
        entry = self._tokens.get(token)
        if entry is None:
            return None
        expires_at, identity = entry
        if expires_at <= time.time():
            self._tokens.pop(token, None)
            return None
        return identity

    def put_token(self, token: str, identity: Any, expires_at: float, token_id: str | None = None) -> None:
        """Remember a verified token until its expiry."""
        self._tokens[token] = (expires_at, identity)
        if token_id:
            self._token_ids[token_id] = token
        while len(self._tokens) > self._max_tokens:
            self._tokens.popitem(last=False)

    # -- principals -----------------------------------------------------------------------------------
    def get_principal(self, user_id: str) -> Principal | None:
        """A loaded principal younger than the TTL."""
        entry = self._principals.get(user_id)
        if entry is None or not self._live or time.monotonic() - entry[0] > self._principal_ttl:
            return None
        return entry[1]

    def put_principal(self, principal: Principal) -> None:
        """Remember a loaded principal."""
        self._principals[principal.user_id] = (time.monotonic(), principal)

    # -- invalidation ---------------------------------------------------------------------------------
    def apply(self, keys: Iterable[str]) -> None:
        """Drop what `keys` name: "user:<id>", "token:<jti>", or "all"."""
        for key in keys:
            kind, _, value = key.partition(":")
            if kind == "user":
                self._principals.pop(value, None)
            elif kind == "token":
                token = self._token_ids.pop(value, None)
                if token is not None:
                    self._tokens.pop(token, None)
            else:
                self.clear()

    def clear(self) -> None:
        """Forget everything."""
        self._tokens.clear()
        self._token_ids.clear()
        self._principals.clear()

    # -- cross-process --------------------------------------------------------------------------------
    def start_listening(self, dsn: str) -> None:
        """Listen for NOTIFYs from every replica (reconnecting; caches are cleared while disconnected)."""
        if self._listener is None:
            self._live = False
            self._listener = asyncio.create_task(self._listen(dsn), name="auth-cache-listener")

    async def stop_listening(self) -> None:
        """Stop the listener task."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None

    async def _listen(self, dsn: str) -> None:
        def on_notify(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
            self.apply([payload])

        while True:
            try:
                conn = await asyncpg.connect(dsn)
                try:
                    await conn.add_listener(CHANNEL, on_notify)
                    self.clear()  # anything may have changed while we were not listening
                    self._live = True
                    while not conn.is_closed():
                        await asyncio.sleep(5)
                        await conn.execute("SELECT 1")
                finally:
                    self._live = False
                    with contextlib.suppress(Exception):
                        await conn.close()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("auth cache listener disconnected; retrying", extra={"error": str(exc)})
            self.clear()
            await asyncio.sleep(1)
