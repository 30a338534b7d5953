"""The bench's stdio MCP server (mcp SDK): its tool reports how long it ran, so the bridge's share shows."""

from __future__ import annotations

import json
import time

from mcp.server.fastmcp import FastMCP

server = FastMCP("bench-timed", log_level="WARNING")


@server.tool()
def timed_echo(text: str) -> str:
    """Echo the text with the tool's own time in nanoseconds."""
    started = time.perf_counter_ns()
    answer = {"echo": text}
    return json.dumps({**answer, "tool_ns": time.perf_counter_ns() - started})


if __name__ == "__main__":
    server.run("stdio")
