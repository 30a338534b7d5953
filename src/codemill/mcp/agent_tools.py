"""An assistant's MCP servers as agent tools (the `codemill.tools.base.Tool` seam).

An entry of `assistant.mcp_servers` (CodeMie's MCPServerDetails) becomes a ServerLaunch: its own
config, else the catalogue entry it names, else the legacy `command` + `arguments` fields; env values
from the MCP integration it names (by id or alias) are added for the call only. Each enabled server's
tools are listed through MCP Connect (cached), filtered by its `tools` list; a server that cannot be
listed is skipped with a warning, and a call that fails is a ToolError the model and the user read.
"""

from __future__ import annotations

import logging
import re
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from codemill.llm.tokens import truncate_to_tokens
from codemill.mcp.client import MCPConnectClient, MCPConnectError, ServerLaunch
from codemill.mcp.protocol import ToolDefinition
from codemill.tools.base import Tool, ToolContext, ToolError

log = logging.getLogger(__name__)

_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
# Finds a catalogue entry's config by id (None when unknown): given by the caller, so this module
# needs no database access of its own.
CatalogueLookup = Callable[[str], Awaitable[dict[str, Any] | None]]


@dataclass
class MCPAgentTool:
    """One tool of an MCP server, offered to the model; it runs through MCP Connect."""

    name: str
    description: str
    parameters: dict[str, Any]
    client: MCPConnectClient
    launch: ServerLaunch
    server_name: str
    tool_name: str
    context: dict[str, str | None]
    output_tokens: int | None = None

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        try:
            result = await self.client.call_tool(self.launch, self.tool_name, args, self.context)
        except MCPConnectError as exc:
            raise ToolError(f"MCP server '{self.server_name}': {exc.message}") from exc
        text = result.text()
        if result.isError:
            raise ToolError(text or f"The MCP tool '{self.tool_name}' failed")
        if self.output_tokens:
            cut, total = truncate_to_tokens(text, self.output_tokens)
            if total > self.output_tokens:
                text = f"{cut}\n[output truncated to {self.output_tokens} of {total} tokens]"
        return text


def client_of(ctx: ToolContext) -> MCPConnectClient | None:
    """The process's MCP Connect client, when one is configured."""
    client = getattr(ctx.resources, "mcp", None)
    return client if isinstance(client, MCPConnectClient) and client.configured else None


async def launch_of(
    server: dict[str, Any], env: dict[str, Any] | None = None, catalogue: CatalogueLookup | None = None
) -> ServerLaunch | None:
    """How to reach an MCPServerDetails entry (secrets already opened); None when it names no server."""
    config = server.get("config") if isinstance(server.get("config"), dict) else None
    config_id = server.get("mcp_config_id")
    if (config is None or not server.get("use_custom_config", True)) and config_id and catalogue is not None:
        config = await catalogue(str(config_id)) or config
    config = dict(config or {})
    if not config.get("command") and not config.get("url") and server.get("command"):
        config["command"] = server["command"]
        config["args"] = shlex.split(str(server.get("arguments") or ""))
    path = config.get("url") or config.get("command")
    if not path:
        return None
    merged_env = {**(config.get("env") or {}), **(env or {})}
    return ServerLaunch(
        server_path=str(path).strip(),
        args=tuple(str(a) for a in config.get("args") or []),
        env={k: v for k, v in merged_env.items() if v is not None},
        headers={str(k): str(v) for k, v in (config.get("headers") or {}).items()},
        transport_type=config.get("type"),
        single_usage=bool(config.get("single_usage")),
    )


def wanted_tools(server: dict[str, Any]) -> set[str] | None:
    """The tool names the entry allows (its `tools`, else its config's); None for all."""
    config = server.get("config") if isinstance(server.get("config"), dict) else {}
    names = server.get("tools") or (config or {}).get("tools")
    return {str(n) for n in names} if names else None


def agent_tools(
    server: dict[str, Any],
    launch: ServerLaunch,
    found: list[ToolDefinition],
    client: MCPConnectClient,
    context: dict[str, str | None],
) -> list[MCPAgentTool]:
    """The listed tools of one server that the entry allows, as agent tools."""
    names = wanted_tools(server)
    limit = server.get("tools_tokens_size_limit")
    return [
        MCPAgentTool(
            name=_NAME_UNSAFE.sub("_", tool.name)[:64],
            description=tool.description or f"{tool.name} (MCP server {server.get('name')})",
            parameters=tool.inputSchema or {"type": "object", "properties": {}},
            client=client,
            launch=launch,
            server_name=str(server.get("name") or launch.server_path),
            tool_name=tool.name,
            context=context,
            output_tokens=int(limit) if isinstance(limit, int) and limit > 0 else None,
        )
        for tool in found
        if names is None or tool.name in names
    ]


async def server_tools(
    servers: list[tuple[dict[str, Any], ServerLaunch]], ctx: ToolContext, client: MCPConnectClient
) -> list[Tool]:
    """The tools of the enabled servers (a server that cannot be listed is skipped, with a warning).

    Names stay as the servers announce them; when two servers offer the same name, the later one's
    is suffixed with its server's name.
    """
    context: dict[str, str | None] = {
        "user_id": ctx.principal.user_id,
        "assistant_id": ctx.assistant_id,
        "project_name": ctx.project,
    }
    tools: dict[str, Tool] = {}
    for server, launch in servers:
        try:
            found = await client.list_tools(launch, context)
        except MCPConnectError as exc:
            log.warning(
                "an MCP server's tools could not be listed", extra={"server": server.get("name"), "error": exc.message}
            )
            continue
        for tool in agent_tools(server, launch, found, client, context):
            if tool.name in tools:
                tool.name = f"{tool.name}_{_NAME_UNSAFE.sub('_', tool.server_name)}"[:64]
            tools.setdefault(tool.name, tool)
    return list(tools.values())
