"""The built-in toolkits: their metadata for /v1/assistants/tools, and the tools an assistant enables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codemill.tools.base import Tool
from codemill.tools.builtin.calculator import Calculator
from codemill.tools.builtin.clock import CurrentDateTime
from codemill.tools.builtin.formatting import FormatJsonYaml
from codemill.tools.builtin.text_stats import TextStatistics


@dataclass(frozen=True, slots=True)
class Toolkit:
    """A named group of tools, as CodeMie's ToolKitDetails describes it."""

    name: str
    label: str
    description: str
    tools: tuple[Tool, ...]


UTILITIES = Toolkit(
    name="Utilities",
    label="Utilities",
    description="Everyday helpers that need no outside service.",
    tools=(Calculator(), CurrentDateTime(), FormatJsonYaml(), TextStatistics()),
)

BUILTIN_TOOLKITS: tuple[Toolkit, ...] = (UTILITIES,)


def toolkits() -> list[dict[str, Any]]:
    """The built-in toolkits in the SDK's ToolKitDetails shape (what /v1/assistants/tools lists)."""
    return [
        {
            "toolkit": kit.name,
            "label": kit.label,
            "description": kit.description,
            "settings_config": False,
            "is_external": False,
            "tools": [
                {
                    "name": tool.name,
                    "label": getattr(tool, "label", tool.name),
                    "description": tool.description,
                    "user_description": tool.description,
                    "settings_config": False,
                }
                for tool in kit.tools
            ],
        }
        for kit in BUILTIN_TOOLKITS
    ]


def builtin_tool(name: str) -> Tool | None:
    """A built-in tool by name."""
    return next((tool for kit in BUILTIN_TOOLKITS for tool in kit.tools if tool.name == name), None)


def tools_for(assistant_toolkits: list[dict[str, Any]]) -> list[Tool]:
    """The built-in tools an assistant's toolkits enable (other toolkits are served by their own modules).

    A toolkit entry with an empty tool list enables the whole toolkit.
    """
    chosen: dict[str, Tool] = {}
    for entry in assistant_toolkits or []:
        kit = next((k for k in BUILTIN_TOOLKITS if k.name.lower() == str(entry.get("toolkit", "")).lower()), None)
        names = [str(t.get("name")) for t in entry.get("tools") or [] if isinstance(t, dict)]
        if kit is not None:
            for tool in kit.tools:
                if not names or tool.name in names:
                    chosen[tool.name] = tool
            continue
        # A built-in tool listed under another toolkit name still counts (names are unique).
        for name in names:
            found = builtin_tool(name)
            if found is not None:
                chosen[found.name] = found
    return list(chosen.values())
