"""The audit line of every tool call: who ran which tool with which arguments (secrets masked), and how much came back.

A JSON log line on the `codemill.audit` logger for now; the activity events of analytics take it over
when they land.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from codemill.tools.base import ToolContext

log = logging.getLogger("codemill.audit")
_SECRET_NAME = re.compile(r"(pass(word)?|secret|token|api[_-]?key|authorization|private[_-]?key|credential)", re.I)
MASK = "***"


def masked(value: Any) -> Any:
    """The value with every secret-named field (at any depth) replaced by ***."""
    if isinstance(value, dict):
        return {k: MASK if _SECRET_NAME.search(str(k)) else masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def audit_tool_call(
    ctx: ToolContext, tool: str, args: dict[str, Any], outcome: str, result_chars: int, duration_ms: float
) -> None:
    """Log one tool call (outcome: completed, error, denied, interrupted)."""
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
