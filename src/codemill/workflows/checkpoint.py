"""An execution's checkpoint: the engine's frontier and context, stored as JSON on the execution row.

The engine runs states in waves: `wave` holds the tokens (one per state to run; a fan-out makes one
per item) of the running wave, `next_wave` those its states queued. The shape is ours, so it is
typed here; stored checkpoints are read back through `checkpoint_of`, which fills in the keys an
older execution's checkpoint may lack.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any, NotRequired, TypedDict

# "from" is a keyword, hence the functional form.
Token = TypedDict(
    "Token",
    {
        "id": str,
        "state": str,
        "from": str | None,
        # Set on the tokens of a fan-out: the item this token runs on, and its position.
        "item": NotRequired[Any],
        "index": NotRequired[int],
    },
)


class HistoryMessage(TypedDict):
    """A message of the workflow's LLM history (assistant states may add to it)."""

    role: str
    content: str


class Checkpoint(TypedDict):
    """Everything an execution needs to go on after a pause, a restart or another worker's crash."""

    context_store: dict[str, Any]
    user_input: str
    messages: list[HistoryMessage]
    # The last output of each state (by state id), and the execution's output so far.
    outputs: dict[str, str]
    final_output: str | None
    wave: list[Token]
    next_wave: list[Token]
    steps: int
    # Tokens the user approved (interrupt_before), and the task text the user gave some of them instead.
    approved: list[str]
    edited_input: dict[str, str]
    # Set once the entry transition has been recorded.
    started: NotRequired[bool]


def new_token(state: str, source: str | None, item: Any = None, index: int | None = None) -> Token:
    """A frontier entry."""
    token: Token = {"id": str(uuid.uuid4()), "state": state, "from": source}
    if index is not None:
        token["item"], token["index"] = item, index
    return token


def initial_checkpoint(entry: str, user_input: str) -> Checkpoint:
    """The checkpoint of an execution that has not started."""
    return {
        "context_store": {},
        "user_input": user_input,
        "messages": [],
        "outputs": {},
        "wave": [new_token(entry, None)],
        "next_wave": [],
        "steps": 0,
        "approved": [],
        "edited_input": {},
        "final_output": None,
    }


def _token_of(stored: dict[str, Any]) -> Token:
    token: Token = {"id": stored["id"], "state": stored["state"], "from": stored.get("from")}
    if "index" in stored:
        token["item"], token["index"] = stored.get("item"), stored["index"]
    return token


def checkpoint_of(stored: dict[str, Any]) -> Checkpoint:
    """A stored checkpoint (JSON) as the engine uses it: a deep copy, the keys an older one lacks filled in."""
    stored = copy.deepcopy(stored)
    found: Checkpoint = {
        "context_store": stored.get("context_store") or {},
        "user_input": stored.get("user_input", ""),
        "messages": stored.get("messages") or [],
        "outputs": stored.get("outputs") or {},
        "final_output": stored.get("final_output"),
        "wave": [_token_of(t) for t in stored.get("wave") or []],
        "next_wave": [_token_of(t) for t in stored.get("next_wave") or []],
        "steps": stored.get("steps", 0),
        "approved": stored.get("approved") or [],
        "edited_input": stored.get("edited_input") or {},
    }
    if "started" in stored:
        found["started"] = stored["started"]
    return found


def stored(checkpoint: Checkpoint) -> dict[str, Any]:
    """The checkpoint as the execution row stores it (a deep copy: the engine goes on changing its own)."""
    return copy.deepcopy(dict(checkpoint))
