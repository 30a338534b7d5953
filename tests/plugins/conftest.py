"""A real NATS server with auth callout for the plugin tests, started once per session."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from codemill.plugins import (
    AuthCalloutService,
    InMemoryPluginKeyVerifier,
    NatsCredentials,
    PluginClient,
    PluginKeyIdentity,
    PluginTool,
    generate_plugin_key,
)
from codemill.plugins.embedded import EmbeddedNats
from codemill.settings import Settings
from tests.support.waiting import wait_until_async

REPO = Path(__file__).resolve().parents[2]
PLUGINS_VENV = REPO / ".venv-plugins"
PLUGINS_CLI = PLUGINS_VENV / "bin" / "codemie-plugins"
CLI_PACKAGES = ["codemie-plugins==0.2.0", "pydantic<2.12"]  # it only imports with pydantic < 2.12


@dataclass(frozen=True)
class PluginKey:
    key: str
    identity: PluginKeyIdentity


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNats]:
    server = EmbeddedNats(Settings(data_dir=tmp_path_factory.mktemp("codemill-data")))
    try:
        server.start()
    except Exception as exc:
        pytest.fail(f"The embedded NATS server could not start: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def nats_credentials(nats_server: EmbeddedNats) -> NatsCredentials:
    assert nats_server.credentials is not None
    return nats_server.credentials


@pytest.fixture(scope="session")
def verifier() -> InMemoryPluginKeyVerifier:
    return InMemoryPluginKeyVerifier()


@pytest.fixture(scope="session")
async def callout(
    nats_credentials: NatsCredentials, verifier: InMemoryPluginKeyVerifier
) -> AsyncIterator[AuthCalloutService]:
    service = AuthCalloutService(nats_credentials, verifier)
    await service.start()
    yield service
    await service.stop()


@pytest.fixture(scope="session")
async def plugin_client(nats_credentials: NatsCredentials, callout: AuthCalloutService) -> AsyncIterator[PluginClient]:
    client = await PluginClient.connect(nats_credentials, list_timeout=0.5, call_timeout=20.0)
    yield client
    await client.close()


def _new_key(verifier: InMemoryPluginKeyVerifier) -> PluginKey:
    key = PluginKey(generate_plugin_key(), PluginKeyIdentity(key_id=f"plugin-{uuid.uuid4()}", owner_id="u1"))
    verifier.add(key.key, key.identity)
    return key


@pytest.fixture
def plugin_key(verifier: InMemoryPluginKeyVerifier, callout: AuthCalloutService) -> PluginKey:
    """A fresh key the callout accepts."""
    return _new_key(verifier)


@pytest.fixture
def second_plugin_key(verifier: InMemoryPluginKeyVerifier, callout: AuthCalloutService) -> PluginKey:
    """Another user's key."""
    return _new_key(verifier)


@pytest.fixture(scope="session")
def plugins_cli() -> Path:
    """The real codemie-plugins CLI in its own venv (`make plugins-cli`), installed here if missing."""
    if not PLUGINS_CLI.is_file():
        with (REPO / ".venv-plugins.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not PLUGINS_CLI.is_file():
                steps = [
                    [sys.executable, "-m", "venv", str(PLUGINS_VENV)],
                    [str(PLUGINS_VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", *CLI_PACKAGES],
                ]
                for step in steps:
                    done = subprocess.run(step, capture_output=True, text=True, timeout=900)
                    if done.returncode != 0:
                        pytest.fail(f"Installing codemie-plugins failed: {done.stderr[-2000:]}", pytrace=False)
    return PLUGINS_CLI


@contextmanager
def running_cli(cli: Path, url: str, key: str, repo: Path, home: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`codemie-plugins development run --repo-path repo` with the key, as a user starts it."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),  # no ~/.codemie/config.json of the machine
        "PLUGIN_KEY": key,
        "PLUGIN_ENGINE_URI": url,
        "NO_COLOR": "1",
        "TERM": "dumb",
        "PYTHONUNBUFFERED": "1",
    }
    log = (home / "cli.log").open("wb")
    process = subprocess.Popen(
        [str(cli), "development", "run", "--repo-path", str(repo)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own group: the tool's own children die with it
    )
    try:
        yield process
    finally:
        # Ctrl+C as a user would; the 0.2.0 CLI often hangs in its shutdown, so then SIGKILL.
        for sig, grace in ((signal.SIGINT, 3), (signal.SIGKILL, 10)):
            if process.poll() is None:
                os.killpg(process.pid, sig)
                try:
                    process.wait(grace)
                except subprocess.TimeoutExpired:
                    continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever the tools left running in its group
        log.close()


async def wait_for_tools(client: PluginClient, key: str, label: str, timeout: float = 30.0) -> list[PluginTool]:
    """The plugin's tools once it has connected (the CLI needs some seconds to import LangChain)."""

    async def announced() -> list[PluginTool] | None:
        return await client.list_tools(key, label) or None

    return await wait_until_async(announced, timeout=timeout, what=f"plugin '{label}' to announce tools")
