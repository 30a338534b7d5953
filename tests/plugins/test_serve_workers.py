"""`codemill serve --workers N`: the workers share one embedded NATS (started once, by the parent), the parent
answers the auth callout for all of them, every worker serves requests, and the workers die with the parent."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Callable
from pathlib import Path

import nats
import psutil
import pytest

from tests.conftest import TestUser
from tests.support.server import start_server
from tests.support.waiting import wait_until

from .live import server_http

pytestmark = pytest.mark.slow


def spawned_workers(parent: psutil.Process, expected: int, timeout: float = 60.0) -> list[psutil.Process]:
    """The parent's worker processes, once `expected` of them run (the first answering makes the server healthy)."""

    def running() -> list[psutil.Process] | None:
        workers = [p for p in parent.children() if "spawn_main" in " ".join(p.cmdline())]
        return workers if len(workers) >= expected else None

    return wait_until(running, timeout=timeout, what=f"{expected} worker processes")


async def test_workers_share_one_nats_and_die_with_the_parent(
    server_env: dict[str, str], make_user: Callable[..., TestUser], artifacts_dir: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in server_env.items() if not k.startswith("CODEMILL_NATS__")}
    env.update({"CODEMILL_DATA_DIR": str(tmp_path / "data"), "CODEMILL_WORKERS": "2"})
    server = start_server(env, artifacts_dir / "logs" / "serve-workers.log", timeout=180)
    try:
        parent = psutil.Process(server.process.pid)
        endpoint = json.loads((tmp_path / "data" / "nats" / "endpoint.json").read_text())
        tree = parent.children(recursive=True)
        assert [p.pid for p in tree if "nats-server" in p.name()] == [endpoint["pid"]]
        assert psutil.Process(endpoint["pid"]).ppid() == parent.pid
        workers = await asyncio.to_thread(spawned_workers, parent, 2)
        assert len(workers) == 2, [p.cmdline() for p in parent.children()]
        assert all(w.is_running() for w in workers)

        user = make_user("workers-plugin")
        with server_http(server.url, user) as http:
            # Many requests over fresh connections reach both workers; each answers with the shared NATS.
            uris = {
                next(c for c in http.get("/v1/config", headers={"connection": "close"}).json() if c["id"] == "plugins")[
                    "settings"
                ]["plugin_engine_uri"]
                for _ in range(20)
            }
            assert uris == {endpoint["url"]}
            created = http.post(
                "/v1/settings/user", json={"project_name": user.email, "alias": "laptop", "credential_type": "Plugin"}
            ).json()
        key = created["plugin_key"]
        # The parent's callout lets the key in (the workers answer none).
        nc = await nats.connect(endpoint["url"], user=key, password=key, allow_reconnect=False, connect_timeout=5)
        assert nc.is_connected
        await nc.close()
        assert "2 worker processes" in server.log()
    finally:
        server.stop(signal.SIGKILL)  # a crash of the parent: the workers and NATS go with it
    for process in workers:
        process.wait(timeout=30)  # raises if a worker outlives its parent
