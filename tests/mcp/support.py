"""Helpers for the MCP tests: the test MCP server over HTTP, and `codemill mcp-connect` as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from codemill.kit.net import free_port
from tests.mcp.servers.workbench import build
from tests.support.openai_server import ThreadedServer
from tests.support.server import answers_or_exited
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
WORKBENCH = ["-m", "tests.mcp.servers.workbench"]
TEST_ALLOW_LIST = '["python -m tests.mcp.servers.*", "python -m codemill.mcp.servers.*"]'
CODEMILL = Path(sys.executable).parent / "codemill"


class WorkbenchHTTP(ThreadedServer):
    """The workbench server over streamable HTTP (/mcp) or SSE (/sse), on a loopback port."""

    def __init__(self, transport: str = "streamable-http") -> None:
        server = build()
        app = server.streamable_http_app() if transport == "streamable-http" else server.sse_app()
        super().__init__(app, f"workbench-{transport}")  # type: ignore[arg-type]
        self.endpoint = f"{self.url}/mcp" if transport == "streamable-http" else f"{self.url}/sse"


@dataclass
class Bridge:
    """A running `codemill mcp-connect`."""

    url: str
    token: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def post(self, body: dict[str, Any], token: str | None = None, timeout: float = 60) -> httpx.Response:
        given = self.token if token is None else token
        headers = {"Authorization": f"Bearer {given}"} if given else {}
        return httpx.post(f"{self.url}/bridge", json=body, headers=headers, timeout=timeout)


@contextmanager
def running_bridge(log_path: Path, command: list[str] | None = None, **settings: str) -> Iterator[Bridge]:
    """`codemill mcp-connect --host 127.0.0.1 --port <free>` (or `command`, with {port} filled in) with
    CODEMILL_MCP_CONNECT__<NAME> settings; waits until /health answers."""
    port = free_port()
    token = "bridge-token-" + os.urandom(8).hex()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")}
    env.update(
        {
            "CODEMILL_MCP_CONNECT__TOKEN": token,
            "CODEMILL_MCP_CONNECT__ALLOWED_COMMANDS": TEST_ALLOW_LIST,
            "CODEMILL_ALLOW_PRIVATE_NETWORK": "true",
            "CODEMILL_LOG_LEVEL": "DEBUG",
        }
    )
    env.update({f"CODEMILL_MCP_CONNECT__{k.upper()}": v for k, v in settings.items()})
    argv = [a.replace("{port}", str(port)) for a in command] if command else None
    argv = argv or [str(CODEMILL), "mcp-connect", "--host", "127.0.0.1", "--port", str(port)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until(
                lambda: answers_or_exited(process, f"{url}/health"),
                timeout=60,
                what=lambda: f"mcp-connect to answer: {log_path.read_text()[-3000:]}",
            )
            if process.poll() is not None:
                raise RuntimeError(f"mcp-connect exited {process.returncode}: {log_path.read_text()[-3000:]}")
            yield Bridge(url, token, process, log_path)
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def stdio_body(method: str, params: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A CodeMie bridge body for the workbench over stdio."""
    return {"method": method, "serverPath": "python", "args": WORKBENCH, "params": params or {}, **extra}


def call_body(tool: str, arguments: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return stdio_body("tools/call", {"name": tool, "arguments": arguments}, **extra)
