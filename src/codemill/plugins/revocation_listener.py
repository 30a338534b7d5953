"""Revoked plugin keys lose their live connections: the integrations announce a revocation with a
PostgreSQL NOTIFY once it commits, and every API replica hears it and kicks the key's connections.

A replica that was not listening (database restart, network) may have missed some: each time it
(re)connects it also closes the connections of keys that no longer exist.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.db.notifications import Notifications
from codemill.integrations import repository as integrations
from codemill.integrations.plugin_keys import REVOKED_CHANNEL
from codemill.plugins.engine import PluginEngine
from codemill.plugins.revocation import disconnect_revoked_keys

log = logging.getLogger(__name__)

PLUGIN_TYPE = "Plugin"


class RevocationListener:
    """Calls `engine.revoke(key_id)` for each NOTIFY on the integrations' revocation channel."""

    def __init__(
        self, notifications: Notifications, engine: PluginEngine, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        self._engine = engine
        self._sessions = sessions
        self._revocations: set[asyncio.Task[None]] = set()
        self.listening = asyncio.Event()
        notifications.subscribe(
            REVOKED_CHANNEL,
            lambda key_id: self._spawn(self.revoke(key_id)),
            on_connected=self._connected,
            on_disconnected=self.listening.clear,
        )

    def _connected(self) -> None:
        self.listening.set()
        self._spawn(self.sweep())  # keys revoked while nobody listened

    async def stop(self) -> None:
        """Cancel the revocations under way."""
        tasks = list(self._revocations)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._revocations.clear()

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._revocations.add(task)
        task.add_done_callback(self._revocations.discard)

    async def revoke(self, key_id: str) -> None:
        """Close the live connections of one revoked key (nothing to do while the engine is down)."""
        if not self._engine.running:
            return
        try:
            await self._engine.revoke(key_id)
        except Exception:
            log.exception("closing a revoked plugin key's connections failed", extra={"plugin_key_id": key_id})

    async def sweep(self) -> None:
        """Close the connections of keys that were revoked while nobody was listening."""
        engine = self._engine
        if not engine.running or engine.client.system_connection is None or engine.credentials is None:
            return
        credentials = engine.credentials
        own = {credentials.backend_user, credentials.callout_user, credentials.system_user or ""}
        try:
            await disconnect_revoked_keys(
                engine.client.system_connection,
                self._still_valid,
                account=credentials.plugins_account,
                own_users=own,
            )
        except Exception:
            log.exception("checking live plugin connections against the plugin keys failed")

    async def _still_valid(self, key_ids: set[str]) -> set[str]:
        """The key ids (Plugin integration ids) that still hold a key."""
        valid: set[str] = set()
        async with self._sessions() as session:
            for key_id in key_ids:
                found = await integrations.get(session, key_id)
                if found is not None and found.credential_type == PLUGIN_TYPE and found.plugin_key_hash:
                    valid.add(key_id)
        return valid
