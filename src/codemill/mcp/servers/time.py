"""An MCP server (stdio) that tells the time: `python -m codemill.mcp.servers.time`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mcp.server.fastmcp import FastMCP


def build() -> FastMCP:
    """The server and its tools."""
    server = FastMCP("codemill-time", log_level="WARNING")

    @server.tool()
    def current_time(timezone: str = "UTC") -> str:
        """The current date and time in an IANA time zone (e.g. Europe/Berlin), ISO 8601."""
        return datetime.now(_zone(timezone)).isoformat(timespec="seconds")

    @server.tool()
    def convert_time(time: str, from_timezone: str, to_timezone: str) -> str:
        """A local ISO 8601 date-time in one time zone, converted to another."""
        moment = datetime.fromisoformat(time)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_zone(from_timezone))
        return moment.astimezone(_zone(to_timezone)).isoformat(timespec="seconds")

    return server


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name.upper() != "UTC" else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


if __name__ == "__main__":
    build().run("stdio")
