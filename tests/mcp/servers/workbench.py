"""A small MCP server written with the mcp SDK, for the tests: stdio when run as a module
(`python -m tests.mcp.servers.workbench`), streamable HTTP or SSE when served by a test."""

from __future__ import annotations

import hashlib
import os
import time

from mcp.server.fastmcp import FastMCP


def build() -> FastMCP:
    """The server and its tools."""
    server = FastMCP("workbench", log_level="WARNING")

    @server.tool()
    def count_words(text: str) -> str:
        """How many words a text has."""
        return f"'{text}' has {len(text.split())} words (counted by workbench pid {os.getpid()})"

    @server.tool()
    def env_fingerprint(name: str) -> str:
        """A fingerprint of an env variable's value (proves it arrived without showing it)."""
        value = os.environ.get(name)
        if value is None:
            return f"{name} is not set"
        return f"{name} fingerprint {hashlib.sha256(value.encode()).hexdigest()[:16]}"

    @server.tool()
    def crash() -> str:
        """Exit the server process at once, as a crashing server does."""
        os._exit(3)

    @server.tool()
    def nap(seconds: float) -> str:
        """Sleep, then answer."""
        time.sleep(seconds)  # a deliberately slow tool (timeouts and cancellation are tested with it)
        return f"slept {seconds}s"

    @server.tool()
    def shout(chars: int) -> str:
        """A long answer of `chars` characters."""
        return "x" * chars

    @server.tool()
    def fail(reason: str) -> str:
        """A tool that reports a failure."""
        raise ValueError(reason)

    return server


if __name__ == "__main__":
    build().run("stdio")
