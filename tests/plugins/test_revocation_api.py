"""Plugin keys from the integrations API at the NATS door: accepted, refused, and revoked with their live
connections closed (the NOTIFY every replica hears, and the sweep for revocations nobody heard)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import nats
import nats.errors
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from codemill.db.notifications import Notifications
from codemill.plugins import (
    InMemoryPluginKeyVerifier,
    NatsCredentials,
    PluginEngine,
    PluginKeyIdentity,
    generate_plugin_key,
)
from codemill.plugins.fake_plugin import FakePlugin, FakeTool
from codemill.plugins.revocation import plugin_connections
from codemill.plugins.revocation_listener import RevocationListener
from codemill.settings import Settings
from tests.conftest import TestUser
from tests.support.waiting import wait_until_async

from .conftest import running_cli
from .live import create_plugin_key, wait_for_plugin_tools, workspace_in

pytestmark = pytest.mark.slow


async def _quiet(_: Exception) -> None:
    return None


async def _pong(_: dict[str, Any]) -> str:
    return "pong"


@contextlib.asynccontextmanager
async def system_nats(credentials: NatsCredentials) -> AsyncIterator[Any]:
    nc = await nats.connect(credentials.url, user=credentials.system_user, password=credentials.system_password)
    try:
        yield nc
    finally:
        await nc.close()


async def _refused(url: str, key: str) -> bool:
    try:
        nc = await nats.connect(url, user=key, password=key, allow_reconnect=False, error_cb=_quiet, connect_timeout=3)
    except (nats.errors.Error, OSError, TimeoutError):
        return True
    await nc.close()
    return False


async def test_deleting_the_plugin_integration_closes_its_live_connection(
    make_user: Callable[..., TestUser], plugins_cli: Path, plugin_nats: NatsCredentials, tmp_path: Path
) -> None:
    user = make_user("plugin-revoke")
    created = create_plugin_key(user)
    key_id, key, url = str(created["id"]), str(created["plugin_key"]), str(created["plugin_engine_uri"])
    assert url == plugin_nats.url
    assert await _refused(url, generate_plugin_key()), "an unknown key must be refused at connect"
    assert await _refused(url, key[:-1] + ("A" if key[-1] != "A" else "B"))

    workspace = workspace_in(tmp_path)
    async with system_nats(plugin_nats) as system:

        async def open_connections() -> int:
            return len(await plugin_connections(system, user=key_id, window=0.3))

        async def closed() -> bool:
            return await open_connections() == 0

        with running_cli(plugins_cli, url, key, workspace, workspace.parent / "home") as cli:
            await asyncio.to_thread(wait_for_plugin_tools, user.http)
            assert await open_connections() == 1

            user.client.integrations.delete(key_id)

            await wait_until_async(closed, timeout=20, what="the revoked key's connection closed")
            assert cli.poll() is None, "the CLI was disconnected, not stopped: it keeps knocking, refused"
            assert await _refused(url, key)
            listed = user.http.get("/v1/assistants/plugin_tools")
            assert listed.status_code == 422 and listed.json()["error"]["message"] == "No Plugin integration"


async def test_a_replica_that_missed_a_revocation_closes_the_connection_when_it_listens_again(
    make_user: Callable[..., TestUser], database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    kept = create_plugin_key(make_user("plugin-kept"))
    verifier = InMemoryPluginKeyVerifier()
    kept_key, gone_key = generate_plugin_key(), generate_plugin_key()
    verifier.add(kept_key, PluginKeyIdentity(str(kept["id"])))
    verifier.add(gone_key, PluginKeyIdentity(f"deleted-{uuid.uuid4()}"))  # no such integration any more
    plugins = PluginEngine(Settings(data_dir=tmp_path), verifier)
    await plugins.start()
    closed: list[str] = []

    def on_close(name: str) -> Callable[[], Any]:
        async def record() -> None:
            closed.append(name)

        return record

    kept_plugin = FakePlugin(plugins.public_url, kept_key, [FakeTool("_ping", _pong)], label="kept")
    gone_plugin = FakePlugin(plugins.public_url, gone_key, [FakeTool("_ping", _pong)], label="gone")
    notifications = Notifications(database_url)
    listener = RevocationListener(notifications, plugins, async_sessionmaker(engine))
    try:
        for plugin, name in ((kept_plugin, "kept"), (gone_plugin, "gone")):
            await plugin.start(disconnected_cb=on_close(name), error_cb=_quiet, allow_reconnect=False)
        notifications.start()
        await asyncio.wait_for(listener.listening.wait(), 30)

        async def gone_closed() -> bool:
            return "gone" in closed

        await wait_until_async(gone_closed, timeout=20, what="the deleted key's connection closed")
        assert closed == ["gone"] and kept_plugin.nc.is_connected
        assert await plugins.client.call_tool(kept_key, "kept", "_ping", {}, timeout=5) == "pong"
    finally:
        await notifications.stop()
        await listener.stop()
        await kept_plugin.stop()
        await gone_plugin.stop(goodbye=False)
        await plugins.stop()
