"""The embedded default: `codemill serve` with no NATS URL runs its own NATS under its data directory,
tells users its URL, lets the API's plugin keys in, and takes the server down with it when it dies."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path

import nats
import psutil
import pytest

from tests.conftest import TestUser
from tests.support.server import start_server

from .live import server_http

pytestmark = pytest.mark.slow


async def test_serve_runs_its_own_nats_for_plugins(
    server_env: dict[str, str], make_user: Callable[..., TestUser], artifacts_dir: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in server_env.items() if not k.startswith("CODEMILL_NATS__")}
    env["CODEMILL_DATA_DIR"] = str(tmp_path / "data")
    server = start_server(env, artifacts_dir / "logs" / "plugins-embedded-server.log")
    try:
        endpoint = json.loads((tmp_path / "data" / "nats" / "endpoint.json").read_text())
        nats_server = psutil.Process(endpoint["pid"])
        assert "nats-server" in nats_server.name() and nats_server.ppid() == server.process.pid

        user = make_user("embedded-plugin")
        with server_http(server.url, user) as http:
            config = http.get("/v1/config").json()
            uri = next(c for c in config if c["id"] == "plugins")["settings"]["plugin_engine_uri"]
            assert uri == endpoint["url"] and uri.startswith("nats://127.0.0.1:")
            created = http.post(
                "/v1/settings/user", json={"project_name": user.email, "alias": "laptop", "credential_type": "Plugin"}
            ).json()
        assert created["plugin_engine_uri"] == uri
        key = created["plugin_key"]
        nc = await nats.connect(uri, user=key, password=key, allow_reconnect=False, connect_timeout=5)
        assert nc.is_connected
        await nc.close()
    finally:
        server.stop(signal.SIGKILL)  # a crash: nothing gets to stop NATS but the parent-death signal
    nats_server.wait(timeout=30)  # raises if the embedded NATS outlives its server
    assert not nats_server.is_running()
