"""The built-in sub-agent catalogue: names an assistant or a skill may enable (`enabled_builtin_subagents`).

Clients that run skills locally (coding agents) read the catalogue and start the sub-agents an assistant or
skill enables; Codemill stores and validates the choice, refusing names the catalogue does not know.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from codemill.errors import BadRequest


class BuiltinSubagent(BaseModel):
    """A catalogue entry (the SDK's BuiltinSubagent)."""

    id: str
    display_name: str
    description: str


CATALOGUE: tuple[BuiltinSubagent, ...] = (
    BuiltinSubagent(
        id="general-purpose",
        display_name="General purpose",
        description="Researches questions and carries out multi-step tasks with the parent's tools.",
    ),
    BuiltinSubagent(
        id="explore",
        display_name="Explore",
        description="Reads and searches a code base without changing it, and reports what it found.",
    ),
    BuiltinSubagent(
        id="plan",
        display_name="Plan",
        description="Turns a request into a step-by-step implementation plan before any change is made.",
    ),
    BuiltinSubagent(
        id="code-reviewer",
        display_name="Code reviewer",
        description="Reviews a change for defects, risks and missing tests.",
    ),
)

KNOWN = frozenset(entry.id for entry in CATALOGUE)


def checked(names: Iterable[str] | None) -> list[str]:
    """The enabled sub-agents, deduplicated in order; 400 naming the unknown ones."""
    chosen = list(dict.fromkeys(names or []))
    unknown = [name for name in chosen if name not in KNOWN]
    if unknown:
        raise BadRequest(
            f"Unknown built-in subagent: {', '.join(unknown)}",
            details={"field": "enabled_builtin_subagents", "unknown": unknown, "known": sorted(KNOWN)},
            help="GET /v1/assistants/builtin_subagents lists the sub-agents that can be enabled.",
        )
    return chosen
