"""The current date and time, in any IANA time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from codemill.tools.base import ToolContext

ZONE_WORD = re.compile(r"[A-Za-z_]+(?:/[A-Za-z_+\-0-9]+)+|UTC|GMT")


class CurrentDateTime:
    """Tells the current date and time."""

    name = "current_datetime"
    label = "Current date and time"
    description = (
        "Get the current date, time and weekday. Optionally pass an IANA time zone such as "
        "'Europe/Berlin' or 'America/New_York' (default UTC)."
    )
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {"timezone": {"type": "string", "description": "IANA time zone name, e.g. Europe/Berlin."}},
        "required": [],
    }

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Now, in the zone asked for (UTC when the zone is missing or unknown)."""
        asked = str(args.get("timezone") or "").strip()
        zone, note = resolve_zone(asked)
        now = datetime.now(UTC).astimezone(zone)
        lines = [
            f"Current date and time in {zone.key}: {now.isoformat(timespec='seconds')}",
            f"Weekday: {now.strftime('%A')}",
            f"Unix timestamp: {int(now.timestamp())}",
        ]
        if note:
            lines.append(note)
        return "\n".join(lines)


def resolve_zone(asked: str) -> tuple[ZoneInfo, str]:
    """The zone named in the text, or UTC with a note saying why."""
    if not asked:
        return ZoneInfo("UTC"), ""
    candidates = [asked, *ZONE_WORD.findall(asked)]
    zones = available_timezones()
    for candidate in candidates:
        if candidate in zones or candidate in ("UTC", "GMT"):
            try:
                return ZoneInfo(candidate), ""
            except ZoneInfoNotFoundError:
                continue
    return ZoneInfo("UTC"), f"'{asked[:80]}' is not a known time zone; showing UTC."
