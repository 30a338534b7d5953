"""Subjects and payloads of the codemie-plugins protocol (docs/dev/plugin-protocol.md)."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import Any

ALIVE_REPLY = b"alive"
LIVE_WILDCARD = "*.live"
DISCONNECTED_WILDCARD = "*.disconnected"
EMPTY_SCHEMA: dict[str, Any] = {"type": "object", "properties": {}}


def list_subject(key: str) -> str:
    """Request: every plugin of the key replies with a JSON list of its tools."""
    return f"{key}.list"


def live_subject(key: str) -> str:
    """A plugin's heartbeat (payload: its session id), published with reply `<key>.live.reply`."""
    return f"{key}.live"


def live_reply_subject(key: str) -> str:
    return f"{key}.live.reply"


def disconnected_subject(key: str) -> str:
    """A plugin's goodbye on a clean shutdown (payload: its session id)."""
    return f"{key}.disconnected"


def tool_subject(key: str, session_id: str, label: str, tool: str) -> str:
    """Request: run one tool of one plugin (protobuf ServiceRequest / ServiceResponse)."""
    return f"{key}.{session_id}.{label}.{tool}"


def key_of(subject: str) -> str:
    """The key a plugin subject starts with."""
    return subject.split(".", 1)[0]


@dataclass(frozen=True)
class PluginTool:
    """One tool a plugin announces: what an agent needs to offer and call it."""

    name: str
    description: str
    args_schema: dict[str, Any]
    label: str
    session_id: str
    subject: str


@dataclass
class PluginSession:
    """One running plugin of a key: the CLI's session id, its label and tools."""

    session_id: str
    label: str
    tools: dict[str, PluginTool] = field(default_factory=dict)
    last_seen: float = 0.0


# The CLI runs tools with a tool_call_id, so LangChain hands back a ToolMessage, which the CLI sends
# as str(): `content='…' name='_tool' tool_call_id='…'`. The content is a Python string literal.
_TOOL_MESSAGE = re.compile(
    r"content=(?P<content>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") name='(?P<name>[^']*)' "
    r"tool_call_id='[^']*'(?: status='[a-z]+')?",
    re.DOTALL,
)


def unwrap_tool_message(text: str, tool: str) -> str:
    """The content of a stringified LangChain ToolMessage from tool; any other text unchanged."""
    match = _TOOL_MESSAGE.fullmatch(text)
    if match is None or match["name"] != tool:
        return text
    try:
        content = ast.literal_eval(match["content"])
    except (ValueError, SyntaxError):
        return text
    return content if isinstance(content, str) else text


def _schema(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = None
    if not isinstance(value, dict):
        return dict(EMPTY_SCHEMA)
    return {**value, "properties": value.get("properties") or {}}


def parse_tool_list(key: str, payload: bytes) -> list[PluginTool]:
    """A plugin's reply to `<key>.list`: tools whose subject is `<key>.<session>.<label>.<tool>`.

    Entries that are malformed or point outside the key are dropped: a plugin may only offer tools
    on its own key's subjects.
    """
    try:
        entries = json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return []
    tools: list[PluginTool] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        subject, name = entry.get("subject"), entry.get("name")
        if not isinstance(subject, str) or not isinstance(name, str):
            continue
        parts = subject.split(".")
        if len(parts) < 4 or parts[0] != key or parts[-1] != name or any(t in subject for t in "*> "):
            continue
        tools.append(
            PluginTool(
                name=name,
                description=str(entry.get("description") or ""),
                args_schema=_schema(entry.get("args_schema")),
                label=".".join(parts[2:-1]),
                session_id=parts[1],
                subject=subject,
            )
        )
    return tools
