"""`codemill serve`'s own MCP Connect: the bridge (`python -m codemill.mcp.bridge`) as a child on a free loopback port.

The API process never spawns an MCP server itself: stdio servers run under this child (or under the
MCP Connect Deployment in production). The child gets a token generated for this run and dies with
its parent (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time

import httpx
from pydantic import SecretStr

from codemill.errors import CodemillError
from codemill.kit.children import child_preexec
from codemill.kit.net import free_port
from codemill.settings import Settings

log = logging.getLogger(__name__)


class EmbeddedMCPConnectError(CodemillError):
    status = 503
    code = "embedded_mcp_connect_failed"


class EmbeddedMCPConnect:
    """Start and stop the child bridge; `start` fills settings.mcp_connect.url and token."""

    def __init__(self, settings: Settings, start_timeout: float = 30.0) -> None:
        self._settings = settings
        self._start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        """Start the bridge (it answers once `wait_ready` returns); fills settings.mcp_connect.url and token."""
        port = free_port()
        token = secrets.token_urlsafe(32)
        # The child gets its own settings only: no database URL, no master key (it needs none).
        env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")}
        for name, value in self._settings.mcp_connect.model_dump(exclude={"url", "token", "embedded"}).items():
            env[f"CODEMILL_MCP_CONNECT__{name.upper()}"] = json.dumps(value) if isinstance(value, list) else str(value)
        env["CODEMILL_MCP_CONNECT__TOKEN"] = token
        env["CODEMILL_LOG_LEVEL"] = self._settings.log_level
        env["CODEMILL_ALLOW_PRIVATE_NETWORK"] = str(self._settings.allow_private_network).lower()
        env["CODEMILL_DATA_DIR"] = str(self._settings.data_dir)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "codemill.mcp.bridge", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            preexec_fn=child_preexec(None),  # its own session; dies with us
        )
        self._settings.mcp_connect.url = f"http://127.0.0.1:{port}"
        self._settings.mcp_connect.token = SecretStr(token)

    def wait_ready(self) -> str:
        """Wait until the started bridge answers /health; its URL."""
        url = self._settings.mcp_connect.url
        if self._process is None or url is None:
            raise EmbeddedMCPConnectError("codemill mcp-connect was not started")
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedMCPConnectError(f"codemill mcp-connect exited at start ({self._process.returncode})")
            try:
                if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                    log.info("embedded MCP Connect started", extra={"url": url, "pid": self._process.pid})
                    return url
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise EmbeddedMCPConnectError(f"codemill mcp-connect did not answer on {url} in {self._start_timeout:g}s")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the bridge (and with it every stdio server it runs); safe to call twice."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
