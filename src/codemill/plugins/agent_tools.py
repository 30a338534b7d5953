"""A running plugin's tools as agent tools (the `codemill.tools.base.Tool` seam)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from codemill.plugins.client import PluginClient
from codemill.plugins.errors import PluginError
from codemill.plugins.protocol import PluginTool
from codemill.tools.base import ToolContext, ToolError

_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class PluginAgentTool:
    """One plugin tool offered to the model; a failed or lost plugin becomes a ToolError it can read."""

    name: str
    description: str
    parameters: dict[str, Any]
    client: PluginClient
    key: str
    plugin_tool: PluginTool
    timeout: float | None = None

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        try:
            return await self.client.call_tool(
                self.key, self.plugin_tool.label, self.plugin_tool.name, args, self.timeout
            )
        except PluginError as exc:
            raise ToolError(exc.message) from exc


async def plugin_agent_tools(
    client: PluginClient, key: str, label: str | None = None, *, call_timeout: float | None = None
) -> list[PluginAgentTool]:
    """The tools of the key's running plugins (one label, or all). Names stay as the plugin announced
    them; when two plugins of the key offer the same name, each is suffixed with its label."""
    found = await client.list_tools(key, label)
    counts: dict[str, int] = {}
    for tool in found:
        counts[tool.name] = counts.get(tool.name, 0) + 1
    tools = []
    for tool in found:
        name = tool.name if counts[tool.name] == 1 else f"{tool.name}__{_NAME_UNSAFE.sub('_', tool.label)}"
        tools.append(
            PluginAgentTool(
                name=name[:64],
                description=tool.description,
                parameters=tool.args_schema,
                client=client,
                key=key,
                plugin_tool=tool,
                timeout=call_timeout,
            )
        )
    return tools
