"""`codemill nats-callout`: the auth callout as its own process (production), answering with the plugin
keys of the integrations table."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import nats
import nats.errors
import pytest

from codemill.plugins import NatsCredentials, generate_plugin_key
from codemill.plugins.embedded import EmbeddedNats
from codemill.settings import Settings
from tests.conftest import ROOT, TestUser
from tests.support.plugin_nats import nats_env
from tests.support.waiting import wait_until_async

from .live import create_plugin_key

pytestmark = pytest.mark.slow


async def _quiet(_: Exception) -> None:
    return None


async def _connects(url: str, key: str) -> bool:
    try:
        nc = await nats.connect(url, user=key, password=key, allow_reconnect=False, error_cb=_quiet, connect_timeout=3)
    except (nats.errors.Error, OSError, TimeoutError):
        return False
    await nc.close()
    return True


@pytest.fixture
def lone_nats(tmp_path: Path) -> Iterator[NatsCredentials]:
    """A NATS server nobody else answers the callout for."""
    with EmbeddedNats(Settings(data_dir=tmp_path / "nats-data")) as server:
        assert server.credentials is not None
        yield server.credentials


async def test_nats_callout_lets_in_the_integrations_plugin_keys(
    lone_nats: NatsCredentials,
    server_env: dict[str, str],
    make_user: Callable[..., TestUser],
    artifacts_dir: Path,
    tmp_path: Path,
) -> None:
    key = str(create_plugin_key(make_user("callout-cli"))["plugin_key"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")}
    env |= {
        "CODEMILL_DATABASE_URL": server_env["CODEMILL_DATABASE_URL"],
        "CODEMILL_DATA_DIR": str(tmp_path / "callout-data"),
        **nats_env(lone_nats),
    }
    log_path = artifacts_dir / "logs" / "nats-callout.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "codemill", "nats-callout"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:

            async def subscribed_or_exited() -> bool:
                return process.poll() is not None or await _connects(lone_nats.url, key)

            await wait_until_async(subscribed_or_exited, timeout=30, what="the callout to subscribe")
            assert process.poll() is None, log_path.read_text()
            assert await _connects(lone_nats.url, key)
            assert not await _connects(lone_nats.url, generate_plugin_key())
        finally:
            process.send_signal(signal.SIGTERM)
            code = process.wait(30)
    assert code in (0, 128 + signal.SIGTERM), log_path.read_text()
    assert "answering plugin keys on" in log_path.read_text()
