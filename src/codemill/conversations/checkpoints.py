"""Chat turns paused for a tool-call approval, kept until the user allows or denies the call.

A turn whose agent stopped at a write tool (tools.approval) ends its stream with a `tool_call_pending`
record instead of being stored; the turn itself (its messages, thoughts and usage so far) is kept
here. POST /v1/assistants/{id}/model/tool-call/resume takes it back, records the user's decision
and runs the same turn on, which then is stored as one turn as usual.

Kept in the process's memory: a resume must reach the replica that paused the turn (sticky
sessions), and a restart forgets paused turns (the resume is then a 404, as for an expired one).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from codemill.errors import NotFound
from codemill.tools.approval import PendingToolCall, ToolCallAction

if TYPE_CHECKING:  # turn.py pauses turns here: a type only, to keep the import one way
    from codemill.conversations.turn import ChatResources, Turn

TTL_SECONDS = 3600.0
MAX_PAUSED = 1000


@dataclass(slots=True)
class Checkpoint:
    """A paused turn and the call it waits on."""

    turn: Turn
    pending: PendingToolCall
    kept_at: float


class ToolCallCheckpoints:
    """Paused turns by conversation (one pending call per conversation, as in CodeMie)."""

    def __init__(self, ttl_seconds: float = TTL_SECONDS, limit: int = MAX_PAUSED) -> None:
        self.ttl_seconds = ttl_seconds
        self.limit = limit
        self._paused: OrderedDict[str, Checkpoint] = OrderedDict()

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, c in self._paused.items() if now - c.kept_at > self.ttl_seconds]:
            del self._paused[key]
        while len(self._paused) > self.limit:
            self._paused.popitem(last=False)

    def keep(self, turn: Turn, pending: PendingToolCall) -> None:
        """Keep a paused turn (a newer pause of the same conversation replaces it)."""
        self._paused.pop(turn.conversation_id, None)
        self._paused[turn.conversation_id] = Checkpoint(turn, pending, time.monotonic())
        self._expire()

    def pending(self, user_id: str, conversation_id: str) -> PendingToolCall | None:
        """The call a user's conversation waits on, if any."""
        self._expire()
        found = self._paused.get(conversation_id)
        return found.pending if found and found.turn.principal.user_id == user_id else None

    def take(self, user_id: str, assistant_id: str, conversation_id: str, pending_id: str | None) -> Checkpoint:
        """Remove and return the paused turn; 404 unless it is this user's, this assistant's and this call's."""
        self._expire()
        found = self._paused.get(conversation_id)
        if (
            found is None
            or found.turn.principal.user_id != user_id
            or found.turn.assistant.id != assistant_id
            or (pending_id is not None and pending_id != found.pending.pending_tool_call_id)
        ):
            raise NotFound(
                "No pending tool call for this conversation",
                details={"field": "conversation_id", "conversation_id": conversation_id},
                help="It was already answered or has expired; send the message again.",
            )
        del self._paused[conversation_id]
        return found


def checkpoints_of(resources: ChatResources) -> ToolCallCheckpoints | None:
    """The process's paused turns, when the chat's resources hold them (the full process's Resources do)."""
    found = getattr(resources, "tool_call_checkpoints", None)
    return found if isinstance(found, ToolCallCheckpoints) else None


def pause(turn: Turn, final: dict[str, Any]) -> bool:
    """Keep the turn when its final record says it waits on a tool call; True when it was kept."""
    record = final.get("tool_call_pending")
    store = checkpoints_of(turn.resources)
    if not record or store is None:
        return False
    store.keep(turn, PendingToolCall(record["pending_tool_call_id"], record["tool_name"], record["tool_args"]))
    return True


def resumed(checkpoint: Checkpoint, action: ToolCallAction) -> Turn:
    """The paused turn, ready to run on with the user's decision on the pending call."""
    turn = checkpoint.turn
    approvals = turn.tool_context.approvals
    assert approvals is not None  # only a turn with approvals pauses
    approvals.decisions[checkpoint.pending.pending_tool_call_id] = action
    turn.messages = list(turn.run.messages)
    turn.run.finished = False
    turn.run.answer = ""
    return turn
