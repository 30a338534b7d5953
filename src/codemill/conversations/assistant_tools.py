"""Which tools and which LLM credentials an assistant's chat gets.

Tools come from four places: the built-in toolkits the assistant enables (tools.registry), its
datasources, its plugins and its MCP servers. The last two are served by their own parts; each plugs in below with a
one-line edit to TOOL_SOURCES when its `assistant_tools` module exists.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants.mcp_tools import mcp_tools
from codemill.auth.principal import Principal
from codemill.conversations.attachment_tools import attachment_tools
from codemill.conversations.sub_assistants import sub_assistant_tools
from codemill.datasources.assistant_tools import tools_for as datasource_tools
from codemill.errors import NotFound, Unavailable
from codemill.integrations.resolve import credentials_for
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.gateway import ProviderCredentials
from codemill.models import Assistant
from codemill.plugins.assistant_tools import tools_for as plugin_tools
from codemill.skills.assistant_tools import tools_for as skill_tools
from codemill.toolkits.catalogue import tools_for as toolkit_tools
from codemill.tools import registry
from codemill.tools.approval import ToolApprovals
from codemill.tools.base import Tool, ToolContext
from codemill.workspaces.tools import bind_script_peers
from codemill.workspaces.tools import tools_for as workspace_tools

log = logging.getLogger(__name__)

# A source of tools for an assistant: (assistant, context) -> tools.
ToolSource = Callable[[Assistant, ToolContext], Awaitable[list[Tool]]]


TOOL_SOURCES: list[ToolSource] = [
    toolkit_tools,
    datasource_tools,
    plugin_tools,
    mcp_tools,
    attachment_tools,
    workspace_tools,
    skill_tools,
]

# The credential type of OpenAI-compatible LLM keys (integrations.types).
LLM_CREDENTIAL_TYPE = "LiteLLM"


async def tools_for(assistant: Assistant, ctx: ToolContext) -> list[Tool]:
    """Every tool the assistant's chat offers the model (names unique; the first source wins).

    Also sets the turn's approval policy (the assistant's tool_permissions) on the context.
    """
    ctx.approvals = ToolApprovals.from_permissions(assistant.tool_permissions)
    tools: dict[str, Tool] = {t.name: t for t in registry.tools_for(assistant.toolkits or [])}
    for source in TOOL_SOURCES:
        for tool in await source(assistant, ctx):
            tools.setdefault(tool.name, tool)
    # Sub-assistants run with the same two functions (their own tools, their own LLM credentials).
    for tool in await sub_assistant_tools(assistant, ctx, tools_for, llm_credentials):
        tools.setdefault(tool.name, tool)
    bind_script_peers(tools)  # a workspace script may call the assistant's own tools of this turn, no others
    return list(tools.values())


async def llm_credentials(
    session: AsyncSession, principal: Principal, assistant: Assistant, model: CatalogueModel
) -> ProviderCredentials | None:
    """An LLM integration's endpoint and key for this chat, when the project or user has one."""
    if model.api == "mock":
        return None
    try:
        # User mappings name tool slots' integrations, not the chat model's key: one query fewer per turn.
        found = await credentials_for(
            session, principal, assistant.project, assistant, LLM_CREDENTIAL_TYPE, user_mapping=False
        )
    except (Unavailable, NotFound):  # no master key, or a marketplace assistant of a foreign project
        return None
    if found is None:
        return None
    url = found.values.get("url")
    key = found.values.get("api_key")
    return ProviderCredentials(base_url=str(url) if url else None, api_key=str(key) if key else None)
