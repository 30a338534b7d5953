"""PluginClient against in-process plugins speaking the protocol over the real NATS."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import nats
import pytest

from codemill.errors import BadRequest
from codemill.plugins import (
    NatsCredentials,
    PluginClient,
    PluginGone,
    PluginNotConnected,
    PluginTimeout,
    PluginToolFailed,
    PluginToolNotFound,
)
from codemill.plugins.fake_plugin import FakePlugin, FakeTool
from codemill.plugins.protocol import parse_tool_list
from tests.support.waiting import wait_until_async

from .conftest import PluginKey


async def _quiet(_: Exception) -> None:
    return None


def _tools(label: str, gate: asyncio.Event | None = None, started: asyncio.Event | None = None) -> list[FakeTool]:
    async def whoami(args: dict[str, Any]) -> str:
        return f"{label}:{args.get('x')}"

    async def broken(args: dict[str, Any]) -> str:
        raise RuntimeError("disk on fire")

    async def slow(args: dict[str, Any]) -> str:
        assert gate is not None
        if started is not None:
            started.set()
        await gate.wait()
        return "finished"

    schema = {"type": "object", "properties": {"x": {"type": "string"}}}
    return [
        FakeTool("_whoami", whoami, description=f"Who is {label}", args_schema=schema),
        FakeTool("_broken", broken),
        FakeTool("_slow", slow),
    ]


async def _plugin(
    url: str, key: str, label: str, gate: asyncio.Event | None = None, started: asyncio.Event | None = None
) -> FakePlugin:
    plugin = FakePlugin(url, key, _tools(label, gate, started), label=label)
    await plugin.start(error_cb=_quiet)
    return plugin


async def test_lists_tools_with_schemas_and_labels(
    nats_credentials: NatsCredentials, plugin_client: PluginClient, plugin_key: PluginKey
):
    laptop = await _plugin(nats_credentials.url, plugin_key.key, "laptop")
    ci = await _plugin(nats_credentials.url, plugin_key.key, "ci")
    try:
        everything = await plugin_client.list_tools(plugin_key.key)
        only_ci = await plugin_client.list_tools(plugin_key.key, "ci")
    finally:
        await laptop.stop()
        await ci.stop()
    assert sorted((t.label, t.name) for t in everything) == sorted(
        (label, name) for label in ("laptop", "ci") for name in ("_whoami", "_broken", "_slow")
    )
    assert {t.label for t in only_ci} == {"ci"}
    whoami = next(t for t in only_ci if t.name == "_whoami")
    assert whoami.description == "Who is ci"
    assert whoami.args_schema == {"type": "object", "properties": {"x": {"type": "string"}}}
    assert whoami.session_id == ci.session_id


async def test_labels_select_the_plugin_that_runs_the_call(
    nats_credentials: NatsCredentials, plugin_client: PluginClient, plugin_key: PluginKey
):
    laptop = await _plugin(nats_credentials.url, plugin_key.key, "laptop")
    ci = await _plugin(nats_credentials.url, plugin_key.key, "ci")
    try:
        on_ci = await plugin_client.call_tool(plugin_key.key, "ci", "_whoami", {"x": "1"}, timeout=5)
        on_laptop = await plugin_client.call_tool(plugin_key.key, "laptop", "whoami", {"x": "2"}, timeout=5)
    finally:
        await laptop.stop()
        await ci.stop()
    assert (on_ci, on_laptop) == ("ci:1", "laptop:2")
    assert (ci.calls, laptop.calls) == (1, 1)


async def test_tool_errors_and_unknown_tools_are_clear(
    nats_credentials: NatsCredentials, plugin_client: PluginClient, plugin_key: PluginKey
):
    plugin = await _plugin(nats_credentials.url, plugin_key.key, "box")
    try:
        with pytest.raises(PluginToolFailed, match="disk on fire"):
            await plugin_client.call_tool(plugin_key.key, "box", "_broken", {}, timeout=5)
        with pytest.raises(PluginToolNotFound, match="_nope"):
            await plugin_client.call_tool(plugin_key.key, "box", "_nope", {}, timeout=5)
        with pytest.raises(PluginNotConnected, match="'elsewhere'"):
            await plugin_client.call_tool(plugin_key.key, "elsewhere", "_whoami", {}, timeout=5)
    finally:
        await plugin.stop()


async def test_no_plugin_connected(plugin_client: PluginClient, plugin_key: PluginKey):
    assert await plugin_client.list_tools(plugin_key.key) == []
    with pytest.raises(PluginNotConnected):
        await plugin_client.call_tool(plugin_key.key, None, "_whoami", {}, timeout=5)


async def test_invalid_keys_never_reach_a_subject(plugin_client: PluginClient):
    with pytest.raises(BadRequest):
        await plugin_client.list_tools("a.>")


async def test_heartbeats_are_answered_and_tracked(
    nats_credentials: NatsCredentials, plugin_client: PluginClient, plugin_key: PluginKey
):
    plugin = await _plugin(nats_credentials.url, plugin_key.key, "beating")
    try:
        await wait_until_async(
            lambda: bool(plugin.live_replies and plugin_client.presence.sessions(plugin_key.key)),
            timeout=5,
            what="a heartbeat answered and tracked",
        )
        tracked = [s.session_id for s in plugin_client.presence.sessions(plugin_key.key)]
    finally:
        await plugin.stop()
    assert plugin.live_replies[0] == b"alive"
    assert tracked == [plugin.session_id]


async def test_goodbye_forgets_the_plugin(
    nats_credentials: NatsCredentials, plugin_client: PluginClient, plugin_key: PluginKey
):
    plugin = await _plugin(nats_credentials.url, plugin_key.key, "leaving")
    assert await plugin_client.call_tool(plugin_key.key, "leaving", "_whoami", {"x": "a"}, timeout=5)
    await plugin.stop(goodbye=True)
    await wait_until_async(
        lambda: plugin_client.presence.sessions(plugin_key.key) == [], timeout=5, what="the plugin forgotten"
    )
    with pytest.raises(PluginNotConnected):
        await plugin_client.call_tool(plugin_key.key, "leaving", "_whoami", {}, timeout=5)


async def test_a_plugin_that_dies_mid_call_gives_a_clear_error_before_the_timeout(
    nats_credentials: NatsCredentials, plugin_client: PluginClient, plugin_key: PluginKey
):
    gate, started = asyncio.Event(), asyncio.Event()
    plugin = await _plugin(nats_credentials.url, plugin_key.key, "doomed", gate, started)
    call = asyncio.create_task(plugin_client.call_tool(plugin_key.key, "doomed", "_slow", {}, timeout=30))
    await asyncio.wait_for(started.wait(), 10)
    await plugin.stop(goodbye=False)  # the connection drops without a goodbye, as when killed
    with pytest.raises(PluginGone, match="disconnected while running the tool '_slow' of plugin 'doomed'"):
        await call


async def test_without_a_system_user_a_dead_plugin_times_out(
    nats_credentials: NatsCredentials, plugin_client: PluginClient, plugin_key: PluginKey
):
    backend = await nats.connect(
        nats_credentials.url, user=nats_credentials.backend_user, password=nats_credentials.backend_password
    )
    client = PluginClient(backend, list_timeout=0.3)
    await client.start()
    started = asyncio.Event()
    plugin = await _plugin(nats_credentials.url, plugin_key.key, "silent", asyncio.Event(), started)
    try:
        call = asyncio.create_task(client.call_tool(plugin_key.key, "silent", "_slow", {}, timeout=1.5))
        await asyncio.wait_for(started.wait(), 10)
        await plugin.stop(goodbye=False)
        with pytest.raises(PluginTimeout, match=r"did not answer within 1\.5 s"):
            await call
    finally:
        await client.close()
        await backend.close()


async def test_many_concurrent_calls_all_arrive(
    nats_credentials: NatsCredentials, plugin_client: PluginClient, plugin_key: PluginKey
):
    plugins = [await _plugin(nats_credentials.url, plugin_key.key, f"p{i}") for i in range(5)]
    try:
        results = await asyncio.gather(
            *(
                plugin_client.call_tool(plugin_key.key, f"p{i % 5}", "_whoami", {"x": str(i)}, timeout=10)
                for i in range(200)
            )
        )
    finally:
        for plugin in plugins:
            await plugin.stop()
    assert results == [f"p{i % 5}:{i}" for i in range(200)]
    # Cold lookups of one label share a single `<key>.list`.
    assert [p.list_requests for p in plugins] == [5] * 5


def test_tool_lists_pointing_at_other_keys_are_dropped():
    key = "k" * 20
    payload = json.dumps(
        [
            {"name": "_ok", "subject": f"{key}.s1.lab._ok", "description": "d", "args_schema": None},
            {"name": "_theirs", "subject": f"{'o' * 20}.s1.lab._theirs"},
            {"name": "_wild", "subject": f"{key}.s1.*._wild"},
            {"name": "_mismatch", "subject": f"{key}.s1.lab._other"},
            "junk",
        ]
    ).encode()
    tools = parse_tool_list(key, payload)
    assert [(t.name, t.label, t.session_id) for t in tools] == [("_ok", "lab", "s1")]
    assert tools[0].args_schema == {"type": "object", "properties": {}}
    assert parse_tool_list(key, b"not json") == []
