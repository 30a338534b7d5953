"""Which MCP servers an assistant's chat reaches, with which env: catalogue entries and MCP integrations.

An entry names its env integration by id (`settings`) or by alias (`integration_alias`); the values are
decrypted here, for the call only, and travel to MCP Connect in the request body (never logged).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.principal import Principal
from codemill.errors import CodemillError, Unprocessable
from codemill.integrations.resolve import credentials_by_alias, credentials_for
from codemill.mcp.agent_tools import launch_of
from codemill.mcp.catalogue import service as catalogue
from codemill.mcp.client import MCPConnectClient, MCPConnectError, ServerLaunch
from codemill.models import Assistant

log = logging.getLogger(__name__)

MCP_CREDENTIAL_TYPE = "MCP"


async def integration_env(
    session: AsyncSession, principal: Principal, project: str, assistant: Assistant | None, server: dict[str, Any]
) -> dict[str, Any]:
    """The env values of the MCP integration the entry names (by id, else alias); {} when it names none."""
    settings = server.get("settings")
    integration_id = settings.get("id") if isinstance(settings, dict) else None
    alias = server.get("integration_alias") or (settings.get("alias") if isinstance(settings, dict) else None)
    found = None
    if isinstance(integration_id, str) and integration_id:
        found = await credentials_for(session, principal, project, assistant, MCP_CREDENTIAL_TYPE, integration_id)
    elif isinstance(alias, str) and alias:
        found = await credentials_by_alias(session, principal, project, MCP_CREDENTIAL_TYPE, alias)
        if found is None:
            raise Unprocessable(
                f"No MCP integration named '{alias}' is available to you",
                details={"field": "integration_alias"},
                help="Create an integration of type MCP with this alias, holding the server's env variables.",
            )
    return dict(found.values) if found is not None else {}


async def server_launch(
    session: AsyncSession, principal: Principal, project: str, assistant: Assistant | None, server: dict[str, Any]
) -> ServerLaunch | None:
    """One MCPServerDetails entry (secrets opened) as the bridge reaches it."""
    env = await integration_env(session, principal, project, assistant, server)

    async def lookup(config_id: str) -> dict[str, Any] | None:
        return await catalogue.config_for_launch(session, principal, config_id)

    return await launch_of(server, env, lookup)


async def enabled_launches(
    session: AsyncSession, principal: Principal, assistant: Assistant, servers: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], ServerLaunch]]:
    """The enabled entries that name a server; one whose env cannot be had is skipped, with a warning."""
    launches = []
    for server in servers:
        if not isinstance(server, dict) or not server.get("enabled", True):
            continue
        try:
            launch = await server_launch(session, principal, assistant.project, assistant, server)
        except CodemillError as exc:
            log.warning(
                "an MCP server of the assistant is skipped", extra={"server": server.get("name"), "error": exc.message}
            )
            continue
        if launch is not None:
            launches.append((server, launch))
    return launches


async def toolkit_info(
    session: AsyncSession, principal: Principal, client: MCPConnectClient, server: dict[str, Any]
) -> dict[str, Any]:
    """The server's tools as an MCP toolkit (CodeMie's ToolKit shape); 422 when it has none or fails."""
    launch = await server_launch(session, principal, principal.current_project, None, server)
    if launch is None:
        raise Unprocessable("The MCP server has no command or url", details={"field": "config"})
    try:
        tools = await client.list_tools(launch, {"user_id": principal.user_id}, fresh=True)
    except MCPConnectError as exc:
        raise Unprocessable("Cannot list the MCP server's tools", details=exc.message) from exc
    if not tools:
        raise Unprocessable("The MCP server offers no tools", details=f"'{server.get('name')}' listed no tools.")
    name = str(server.get("name") or launch.server_path)
    return {
        "toolkit": name,
        "label": name,
        "description": server.get("description") or f"Tools provided by MCP server: {name}",
        "settings_config": False,
        "is_external": True,
        "tools": [
            {
                "name": tool.name,
                "label": tool.name,
                "description": tool.description or "",
                "user_description": tool.description or "",
                "settings_config": False,
            }
            for tool in tools
        ],
    }
