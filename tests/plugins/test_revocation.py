"""Revoking a key closes its live connections and keeps them out."""

from __future__ import annotations

from typing import Any

from codemill.plugins import (
    AuthCalloutService,
    InMemoryPluginKeyVerifier,
    NatsCredentials,
    PluginClient,
    disconnect_plugin_key,
)
from codemill.plugins.fake_plugin import FakePlugin, FakeTool
from tests.support.waiting import wait_until_async

from .conftest import PluginKey


async def _pong(args: dict[str, Any]) -> str:
    return "pong"


async def test_a_revoked_key_is_disconnected_and_stays_out(
    nats_credentials: NatsCredentials,
    plugin_client: PluginClient,
    verifier: InMemoryPluginKeyVerifier,
    callout: AuthCalloutService,
    plugin_key: PluginKey,
    second_plugin_key: PluginKey,
):
    events: list[str] = []

    async def on_disconnect() -> None:
        events.append("disconnected")

    async def on_error(exc: Exception) -> None:
        events.append(f"error: {exc}")

    # Like the CLI: reconnect forever.
    revoked = FakePlugin(nats_credentials.url, plugin_key.key, [FakeTool("_ping", _pong)], label="old")
    await revoked.start(
        disconnected_cb=on_disconnect, error_cb=on_error, max_reconnect_attempts=-1, reconnect_time_wait=0.2
    )
    bystander = FakePlugin(nats_credentials.url, second_plugin_key.key, [FakeTool("_ping", _pong)], label="other")
    await bystander.start(max_reconnect_attempts=-1)
    try:
        assert await plugin_client.call_tool(plugin_key.key, "old", "_ping", {}, timeout=5) == "pong"
        refused_before = callout.refused

        verifier.revoke(plugin_key.identity.key_id)
        kicked = await disconnect_plugin_key(plugin_client.system_connection, plugin_key.identity.key_id)

        assert kicked == 1
        await wait_until_async(lambda: "disconnected" in events, timeout=10, what="the revoked plugin disconnected")
        await wait_until_async(
            lambda: callout.refused > refused_before, timeout=10, what="the reconnect asked about (and refused)"
        )
        assert not revoked.nc.is_connected
        assert await plugin_client.list_tools(plugin_key.key) == []
        # Other keys are untouched.
        assert bystander.nc.is_connected
        assert await plugin_client.call_tool(second_plugin_key.key, "other", "_ping", {}, timeout=5) == "pong"
    finally:
        await revoked.stop(goodbye=False)
        await bystander.stop()


async def test_revoking_a_key_without_connections_closes_nothing(plugin_client: PluginClient):
    assert await disconnect_plugin_key(plugin_client.system_connection, "plugin-never-connected") == 0
