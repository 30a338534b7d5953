"""Approval before writes: which tool calls wait for the user, and what the user decided.

CodeMie's names: an assistant's `tool_permissions.tool_call_policy` is auto_approve (nothing waits:
the assistant runs its tools unattended), approve_for_me (only write tools wait; Codemill's default
when an assistant sets no policy) or ask_for_approval (every tool call waits). A waiting call ends
the turn with a `tool_call_pending` record; the user's allow/deny arrives through
POST /v1/assistants/{id}/model/tool-call/resume, which continues the same turn.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

DENIED_MESSAGE = "Tool call was denied by the user."


class ToolCallPolicy(enum.StrEnum):
    """When tool calls wait for the user's approval (CodeMie's ToolCallPolicy)."""

    AUTO_APPROVE = "auto_approve"
    APPROVE_FOR_ME = "approve_for_me"
    ASK_FOR_APPROVAL = "ask_for_approval"


class ToolCallAction(enum.StrEnum):
    """The user's answer to a pending tool call (CodeMie's ToolCallAction)."""

    ALLOW = "allow"
    DENY = "deny"


@dataclass(frozen=True, slots=True)
class PendingToolCall:
    """A tool call waiting for the user: CodeMie's ToolCallPendingEvent."""

    pending_tool_call_id: str
    tool_name: str
    tool_args: dict[str, Any]

    def record(self) -> dict[str, Any]:
        """The `tool_call_pending` field of the stream's last record."""
        return {
            "pending_tool_call_id": self.pending_tool_call_id,
            "tool_name": self.tool_name,
            "tool_args": self.tool_args,
        }


@dataclass(slots=True)
class ToolApprovals:
    """An assistant's approval policy for one turn, and the decisions the user has made in it."""

    policy: ToolCallPolicy = ToolCallPolicy.APPROVE_FOR_ME
    decisions: dict[str, ToolCallAction] = field(default_factory=dict)

    @classmethod
    def from_permissions(cls, permissions: dict[str, Any] | None) -> ToolApprovals:
        """From an assistant's stored `tool_permissions` (none set: write tools wait)."""
        raw = (permissions or {}).get("tool_call_policy")
        try:
            return cls(ToolCallPolicy(raw)) if raw else cls()
        except ValueError:
            return cls()

    def asks(self, writes: bool) -> bool:
        """Whether a call (a write or not) waits for the user under this policy."""
        if self.policy is ToolCallPolicy.AUTO_APPROVE:
            return False
        return True if self.policy is ToolCallPolicy.ASK_FOR_APPROVAL else writes

    def waiting(self, call_id: str, writes: bool) -> bool:
        """Whether this call must still wait (it asks and the user has not answered it)."""
        return self.asks(writes) and call_id not in self.decisions

    def denied(self, call_id: str) -> bool:
        """Whether the user refused this call."""
        return self.decisions.get(call_id) is ToolCallAction.DENY
