"""The plugin engine as `codemill serve` runs it, and the callout as `codemill nats-callout` runs it."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import nats
import nats.errors
import pytest
from pydantic import SecretStr

from codemill.kit.net import free_port
from codemill.plugins import (
    InMemoryPluginKeyVerifier,
    PluginEngine,
    PluginError,
    PluginKeyIdentity,
    generate_plugin_key,
    run_callout,
)
from codemill.plugins.embedded import EmbeddedNats
from codemill.plugins.fake_plugin import FakePlugin, FakeTool
from codemill.plugins.nats_config import NatsNotConfigured, load_or_create_embedded_secrets, resolve_credentials
from codemill.plugins.nkey_jwt import SigningKey
from codemill.settings import Settings
from tests.support.waiting import wait_until_async


async def _hello(args: dict[str, Any]) -> str:
    return "hello"


async def _quiet(_: Exception) -> None:
    return None


async def test_engine_starts_embedded_nats_serves_keys_and_revokes(tmp_path: Path):
    verifier = InMemoryPluginKeyVerifier()
    key = generate_plugin_key()
    verifier.add(key, PluginKeyIdentity("engine-key"))
    engine = PluginEngine(Settings(data_dir=tmp_path), verifier)
    await engine.start()
    plugin = FakePlugin(engine.public_url, key, [FakeTool("_hello", _hello)], label="here")
    try:
        assert engine.public_url.startswith("nats://127.0.0.1:")
        await plugin.start(error_cb=_quiet, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
        assert await engine.client.call_tool(key, "here", "_hello", {}, timeout=5) == "hello"
        verifier.revoke("engine-key")
        assert await engine.revoke("engine-key") == 1
    finally:
        await plugin.stop(goodbye=False)
        await engine.stop()


async def test_public_url_comes_from_settings_when_set(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    settings.nats.public_url = "tls://plugins.example.com:443"
    assert PluginEngine(settings, InMemoryPluginKeyVerifier()).public_url == "tls://plugins.example.com:443"


async def test_run_callout_serves_until_cancelled(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(NatsNotConfigured):
        resolve_credentials(settings)
    verifier = InMemoryPluginKeyVerifier()
    key = generate_plugin_key()
    verifier.add(key, PluginKeyIdentity("standalone"))
    with EmbeddedNats(settings) as server:
        callout = asyncio.create_task(run_callout(settings, verifier))
        try:
            nc = None
            for _ in range(100):  # until the callout has subscribed
                with contextlib.suppress(nats.errors.Error, TimeoutError):
                    nc = await nats.connect(
                        server.url, user=key, password=key, error_cb=_quiet, allow_reconnect=False, connect_timeout=1
                    )
                    break
            assert nc is not None and nc.is_connected
            await nc.close()
        finally:
            callout.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await callout


def test_external_nats_needs_credentials(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    settings.nats.url = "nats://nats.internal:4222"
    with pytest.raises(NatsNotConfigured) as refused:
        resolve_credentials(settings)
    assert "CODEMILL_NATS__BACKEND_PASSWORD" in refused.value.details["missing"]


async def test_an_external_nats_that_is_down_does_not_hold_up_the_server(tmp_path: Path):
    """`serve` starts without NATS; the engine connects (callout included) once NATS answers."""
    port = free_port()
    secrets = load_or_create_embedded_secrets(tmp_path / "nats")  # the credentials the server will have
    settings = Settings(data_dir=tmp_path)
    settings.nats.url = f"nats://127.0.0.1:{port}"
    settings.nats.backend_password = SecretStr(secrets["backend_password"])
    settings.nats.callout_password = SecretStr(secrets["callout_password"])
    settings.nats.system_password = SecretStr(secrets["system_password"])
    settings.nats.callout_issuer_seed = SecretStr(secrets["issuer_seed"])
    verifier = InMemoryPluginKeyVerifier()
    key = generate_plugin_key()
    verifier.add(key, PluginKeyIdentity("late"))
    engine = PluginEngine(settings, verifier)
    await engine.start_soon(wait_seconds=0.5)
    try:
        assert not engine.running and engine.engine_uri is None
        server_settings = Settings(data_dir=tmp_path)
        server_settings.nats.embedded_port = port
        with EmbeddedNats(server_settings):  # (its start blocks the loop: connections retry after it)

            async def answered() -> str | None:
                answer = None
                plugin = FakePlugin(settings.nats.url, key, [FakeTool("_hello", _hello)], label="late")
                with contextlib.suppress(nats.errors.Error, OSError, PluginError):
                    await plugin.start(error_cb=_quiet, allow_reconnect=False, connect_timeout=1)
                    answer = await engine.client.call_tool(key, "late", "_hello", {}, timeout=2)
                await plugin.stop(goodbye=False)
                return answer

            answer = await wait_until_async(answered, timeout=60, what="the late engine to answer a plugin call")
            assert answer == "hello"
            assert engine.engine_uri == settings.nats.url
    finally:
        await engine.stop()


async def test_stopping_an_engine_that_is_still_connecting(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    settings.nats.url = f"nats://127.0.0.1:{free_port()}"
    settings.nats.backend_password = settings.nats.callout_password = SecretStr("x" * 24)
    settings.nats.callout_issuer_seed = SecretStr(SigningKey.generate("account").seed)
    engine = PluginEngine(settings, InMemoryPluginKeyVerifier())
    await engine.start_soon(wait_seconds=0.2)
    await engine.stop()
    assert not engine.running
