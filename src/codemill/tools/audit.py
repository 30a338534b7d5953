"""The audit of every tool call: who ran which tool with which arguments (secrets masked), and how much came back.

Each call is a JSON line on the `codemill.audit` logger and an activity event (domain tool_execution,
type tool_call) that admins list at /v1/admin/activity-events. Long argument values are cut in the event.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from codemill.audit.service import Domain
from codemill.audit.service import record as record_event
from codemill.tools.base import ToolContext

log = logging.getLogger("codemill.audit")
_SECRET_NAME = re.compile(r"(pass(word)?|secret|token|api[_-]?key|authorization|private[_-]?key|credential)", re.I)
MASK = "***"
# An argument value longer than this is cut in the stored event (file contents, long queries).
EVENT_VALUE_CHARS = 2000


def masked(value: Any) -> Any:
    """The value with every secret-named field (at any depth) replaced by ***."""
    if isinstance(value, dict):
        return {k: MASK if _SECRET_NAME.search(str(k)) else masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def _cut_values(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _cut_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut_values(v) for v in value]
    if isinstance(value, str) and len(value) > EVENT_VALUE_CHARS:
        return f"{value[:EVENT_VALUE_CHARS]}[cut at {EVENT_VALUE_CHARS} of {len(value)} characters]"
    return value


async def record_tool_call(
    ctx: ToolContext, tool: str, args: dict[str, Any], outcome: str, result_chars: int, duration_ms: float
) -> None:
    """Log the call, and store it as an activity event (a failure to store is logged, never raised)."""
    record = audit_tool_call(ctx, tool, args, outcome, result_chars, duration_ms)
    attributes = {k: v for k, v in record.items() if k not in ("event", "user_id", "tool")}
    attributes["arguments"] = _cut_values(attributes["arguments"])
    try:
        async with ctx.sessions() as session, session.begin():
            await record_event(
                session,
                ctx.principal,
                Domain.TOOL_EXECUTION,
                "tool_call",
                entity_type="tool",
                entity_id=tool,
                attributes=attributes,
            )
    except Exception:
        log.warning("tool call not stored as an activity event", exc_info=True, extra={"tool": tool})


def audit_tool_call(
    ctx: ToolContext, tool: str, args: dict[str, Any], outcome: str, result_chars: int, duration_ms: float
) -> dict[str, Any]:
    """Log one tool call (outcome: completed, error, denied, interrupted); the logged record."""
    record = {
        "event": "tool_call",
        "user_id": ctx.principal.user_id,
        "project": ctx.project,
        "assistant_id": ctx.assistant_id,
        "conversation_id": ctx.conversation_id,
        "tool": tool,
        "arguments": masked(args),
        "outcome": outcome,
        "result_chars": result_chars,
        "duration_ms": round(duration_ms, 3),
    }
    log.info(json.dumps(record, default=str, sort_keys=True))
    return record
