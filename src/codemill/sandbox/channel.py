"""The tool channel: how a sandboxed script asks the API to run a tool (the sandbox has no network).

The API listens on a unix socket in the run's working directory (`.codemill/tools.sock`); the script
imports the `codemill_tools` helper written beside it and calls `call_tool(name, **arguments)`. Each
request carries the run's token; the handler given by the caller decides which tools exist for this
run (an assistant's own tools, or none). One JSON line each way per call; calls per run are bounded.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CHANNEL_DIR = ".codemill"
SOCKET_NAME = "tools.sock"
MAX_REQUEST_BYTES = 1_048_576
MAX_CALLS = 50

# The helper a script imports (stdlib only; it runs inside the sandbox).
HELPER = '''"""Call a tool of the assistant that runs this script: call_tool("name", arg=value) -> text."""
import json, os, socket


class ToolRefused(Exception):
    """The API refused or failed the tool call."""


def call_tool(name, **arguments):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools.sock")
    request = {"token": os.environ.get("CODEMILL_TOOL_TOKEN", ""), "tool": name, "args": arguments}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(path)
        conn.sendall(json.dumps(request).encode() + b"\\n")
        data = b""
        while not data.endswith(b"\\n"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    answer = json.loads(data or b"{}")
    if not answer.get("ok"):
        raise ToolRefused(answer.get("error") or "no answer")
    return answer["output"]
'''

ToolHandler = Callable[[str, dict[str, Any]], Awaitable[str]]


class ChannelRefusal(Exception):
    """A tool call the handler refuses; its message goes back to the script."""


@dataclass(slots=True)
class ToolChannel:
    """One run's channel: its token, the handler deciding and running the calls, and what was called."""

    handler: ToolHandler
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    calls: list[tuple[str, bool]] = field(default_factory=list)

    async def answer(self, raw: bytes) -> dict[str, Any]:
        """The reply to one request line."""
        try:
            request = json.loads(raw)
        except ValueError:
            return {"ok": False, "error": "The request is not JSON."}
        if not isinstance(request, dict) or not secrets.compare_digest(str(request.get("token", "")), self.token):
            return {"ok": False, "error": "The request does not carry this run's token."}
        name, args = str(request.get("tool") or ""), request.get("args")
        if len(self.calls) >= MAX_CALLS:
            return {"ok": False, "error": f"At most {MAX_CALLS} tool calls per run."}
        try:
            output = await self.handler(name, args if isinstance(args, dict) else {})
        except ChannelRefusal as exc:
            self.calls.append((name, False))
            return {"ok": False, "error": str(exc)}
        except Exception as exc:  # a failing tool answers the script; it never ends the API's run
            log.warning("a sandboxed script's tool call failed: %s", type(exc).__name__)
            self.calls.append((name, False))
            return {"ok": False, "error": f"The tool {name} failed: {type(exc).__name__}"}
        self.calls.append((name, True))
        return {"ok": True, "output": output}


async def serve_channel(workdir: Path, channel: ToolChannel) -> asyncio.AbstractServer:
    """Write the helper and listen on the run's socket (closed by the caller when the run ends)."""
    directory = workdir / CHANNEL_DIR
    directory.mkdir(exist_ok=True)
    (directory / "codemill_tools.py").write_text(HELPER)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            raw = await reader.readuntil(b"\n")
            reply = await channel.answer(raw)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            reply = {"ok": False, "error": f"A request is one JSON line of at most {MAX_REQUEST_BYTES} bytes."}
        try:
            writer.write(json.dumps(reply, default=str).encode() + b"\n")
            await writer.drain()
        except ConnectionError:
            log.info("a sandboxed script left before its tool answer")
        finally:
            writer.close()

    return await asyncio.start_unix_server(serve, path=str(directory / SOCKET_NAME), limit=MAX_REQUEST_BYTES)
