"""Rules over credential values that the field table cannot say; each raises 422 naming the field."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from codemill.errors import Unprocessable

_CRON_FIELD = re.compile(r"^[0-9A-Za-z*,/\-?LW#]+$")
_WEBHOOK_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")
_CRON_HELP = (
    "Please provide a valid cron expression that runs at most once per hour. "
    "Examples: '0 * * * *' (hourly), '0 9 * * MON-FRI' (weekdays at 9 AM), '0 0 * * *' (daily)."
)


def schedule_rule(values: dict[str, Any]) -> None:
    """A five-field cron expression whose minute is one fixed minute (so it runs at most hourly, as CodeMie asks)."""
    schedule = str(values.get("schedule") or "").strip()
    fields = schedule.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        raise Unprocessable(
            "Invalid cron expression", details={"field": "schedule", "reason": "five fields expected"}, help=_CRON_HELP
        )
    if not fields[0].isdigit() or int(fields[0]) > 59:
        raise Unprocessable(
            "Invalid cron expression",
            details={"field": "schedule", "reason": "it must run at most once per hour (one fixed minute)"},
            help=_CRON_HELP,
        )
    if not croniter.is_valid(schedule):
        raise Unprocessable(
            "Invalid cron expression",
            details={"field": "schedule", "reason": "a field is out of range"},
            help=_CRON_HELP,
        )
    timezone = str(values.get("timezone") or "UTC").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Unprocessable(
            f"Unknown time zone {timezone!r}",
            details={"field": "timezone"},
            help="Use an IANA time zone name such as UTC, Europe/Berlin or America/New_York.",
        ) from None


def webhook_rule(values: dict[str, Any]) -> None:
    """A webhook id is a URL path segment: letters, digits, '_', '.', '-'."""
    if not _WEBHOOK_ID.match(str(values.get("webhook_id") or "")):
        raise Unprocessable("webhook_id: use 1-128 letters, digits, '_', '.' or '-'", details={"field": "webhook_id"})
