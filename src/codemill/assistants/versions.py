"""Versioned configuration: what a version snapshots, and the field-level diff between two versions.

Name, slug, project, sharing, icon and categories are the assistant's identity and are not versioned
(as in CodeMie); everything that changes how the assistant answers is.
"""

from __future__ import annotations

import json
from typing import Any, NotRequired, TypedDict

from codemill.models import Assistant

VERSIONED_FIELDS: tuple[str, ...] = (
    "description",
    "system_prompt",
    "llm_model_type",
    "temperature",
    "top_p",
    "context",
    "toolkits",
    "mcp_servers",
    "assistant_ids",
    "prompt_variables",
    "conversation_starters",
)
_DEFAULTS: dict[str, Any] = {
    "description": "",
    "system_prompt": "",
    "llm_model_type": None,
    "temperature": None,
    "top_p": None,
}
# Flags the UI recomputes on every read; a change in them is not a configuration change.
_COMPUTED_KEYS = {"settings_config"}


class FieldChange(TypedDict):
    """How one versioned field changed; list fields also carry the items added and removed, and whether
    only their order changed (the keys are absent for other fields)."""

    old_value: Any
    new_value: Any
    added: NotRequired[list[Any]]
    removed: NotRequired[list[Any]]
    reordered: NotRequired[bool]


def snapshot(assistant: Assistant) -> dict[str, Any]:
    """The assistant's current versioned configuration, as stored in a version."""
    return {field: _copy(getattr(assistant, field)) for field in VERSIONED_FIELDS}


def normalised(config: dict[str, Any]) -> dict[str, Any]:
    """A stored config with every versioned field present (older snapshots may lack new fields)."""
    return {field: config.get(field, _DEFAULTS.get(field, [])) for field in VERSIONED_FIELDS}


def apply(assistant: Assistant, config: dict[str, Any]) -> None:
    """Make `config` the assistant's current configuration."""
    for field, value in normalised(config).items():
        setattr(assistant, field, _copy(value))


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value)) if isinstance(value, list | dict) else value


def _strip_computed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_computed(v) for k, v in value.items() if k not in _COMPUTED_KEYS}
    if isinstance(value, list):
        return [_strip_computed(v) for v in value]
    return value


def _key(item: Any) -> str:
    return json.dumps(item, sort_keys=True)


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, FieldChange]:
    """Field-level differences from `old` to `new`.

    Each changed field maps to {"old_value", "new_value"}; list fields also carry the items "added" and
    "removed" (compared by value, order ignored) and whether only the order changed ("reordered").
    """
    before, after = normalised(old), normalised(new)
    changes: dict[str, FieldChange] = {}
    for field in VERSIONED_FIELDS:
        a, b = _strip_computed(before[field]), _strip_computed(after[field])
        if a == b:
            continue
        change = FieldChange(old_value=before[field], new_value=after[field])
        if isinstance(a, list) and isinstance(b, list):
            old_keys, new_keys = [_key(x) for x in a], [_key(x) for x in b]
            change["added"] = [x for x, k in zip(after[field], new_keys, strict=True) if k not in old_keys]
            change["removed"] = [x for x, k in zip(before[field], old_keys, strict=True) if k not in new_keys]
            change["reordered"] = not change["added"] and not change["removed"]
        changes[field] = change
    return changes


def summary(changes: dict[str, FieldChange], version1: int, version2: int) -> str:
    """A human-readable account of a diff."""
    if not changes:
        return f"No differences between version {version1} and version {version2}"
    lines = [f"Changes from version {version1} to version {version2}:", f"- {len(changes)} field(s) modified"]
    for field, change in changes.items():
        if "added" in change:
            added, removed = len(change["added"]), len(change["removed"])
            detail = "order changed" if change["reordered"] else f"{added} added, {removed} removed"
            lines.append(f"  • {field}: {detail}")
        elif any(isinstance(v, str) and len(v) > 80 for v in (change["old_value"], change["new_value"])):
            lines.append(f"  • {field} changed")
        else:
            lines.append(f"  • {field}: {change['old_value']!r} → {change['new_value']!r}")
    return "\n".join(lines)
