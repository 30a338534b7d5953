"""The tools of MCP servers, for a chat's assistant and for a workflow state's assistant (stored or inline).

The servers' secrets are opened here only, and the tools are listed and called through MCP Connect: the API
process never starts an MCP server itself.
"""

from __future__ import annotations

import logging
from typing import Any

from codemill.assistants import sealing
from codemill.errors import CodemillError
from codemill.mcp import agent_tools as mcp_agent_tools
from codemill.mcp import assistant_tools as mcp_assistant_tools
from codemill.models import Assistant
from codemill.tools.base import Tool, ToolContext

log = logging.getLogger(__name__)


def _any_enabled(servers: list[Any] | None) -> bool:
    return any(isinstance(s, dict) and s.get("enabled", True) for s in servers or [])


async def mcp_tools(assistant: Assistant, ctx: ToolContext) -> list[Tool]:
    """The tools of a stored assistant's enabled MCP servers."""
    client = mcp_agent_tools.client_of(ctx)
    if client is None or not _any_enabled(assistant.mcp_servers):
        return []
    try:
        async with ctx.sessions() as session:
            servers = await sealing.mcp_servers_in_clear(session, assistant)
            launches = await mcp_assistant_tools.enabled_launches(session, ctx.principal, assistant, servers)
    except CodemillError as exc:  # e.g. no master key to open the servers' secrets
        log.warning("the assistant's MCP servers are skipped", extra={"error": exc.message})
        return []
    return await mcp_agent_tools.server_tools(launches, ctx, client)


async def inline_mcp_tools(servers: list[dict[str, Any]], project: str, ctx: ToolContext) -> list[Tool]:
    """The tools of MCP servers written into a workflow's YAML (env from MCP integrations by alias or id)."""
    client = mcp_agent_tools.client_of(ctx)
    if client is None or not _any_enabled(servers):
        return []
    launches = []
    async with ctx.sessions() as session:
        for server in servers:
            if not server.get("enabled", True):
                continue
            try:
                launch = await mcp_assistant_tools.server_launch(session, ctx.principal, project, None, server)
            except CodemillError as exc:
                log.warning(
                    "an MCP server of the workflow is skipped",
                    extra={"server": server.get("name"), "error": exc.message},
                )
                continue
            if launch is not None:
                launches.append((server, launch))
    return await mcp_agent_tools.server_tools(launches, ctx, client)
