"""The Plugin toolkit on assistants: the caller's running plugins' tools, offered to the agent.

The key is always the caller's (their own Plugin integration, or their project's): an assistant never
lends its creator's plugin to the people it is shared with, since a plugin runs commands on its
owner's machine. An assistant may pin one Plugin integration; it is used when the caller may use it.
As in CodeMie, the toolkit's tool "Plugin" (or no tool listed) enables every tool of the plugins;
otherwise only the tools named.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import CodemillError, Forbidden, NotFound, Unprocessable
from codemill.integrations.resolve import credentials_for
from codemill.models import Assistant
from codemill.plugins.agent_tools import PluginAgentTool, plugin_agent_tools
from codemill.plugins.engine import PluginEngine
from codemill.plugins.errors import PluginError
from codemill.tools.base import Tool, ToolContext

log = logging.getLogger(__name__)

PLUGIN_TOOLKIT = "Plugin"
ALL_PLUGIN_TOOLS = "Plugin"  # the toolkit's catalogue tool: every tool of the caller's plugins
KEY_FIELD = "plugin_key"


def toolkit_details() -> dict[str, Any]:
    """The Plugin toolkit as /v1/assistants/tools lists it (CodeMie's ToolKitDetails shape)."""
    about = (
        "Tools of the plugins you run on your own machine or in CI with the codemie-plugins CLI "
        "(a Plugin integration holds the key). Enabling 'Plugin' offers every tool they publish."
    )
    return {
        "toolkit": PLUGIN_TOOLKIT,
        "label": "Plugin",
        "description": about,
        "settings_config": True,
        "is_external": True,
        "tools": [
            {
                "name": ALL_PLUGIN_TOOLS,
                "label": "Plugin",
                "description": about,
                "user_description": about,
                "settings_config": True,
            }
        ],
    }


def plugin_toolkits(assistant: Assistant) -> list[dict[str, Any]]:
    """The assistant's Plugin toolkit entries."""
    return [
        entry
        for entry in assistant.toolkits or []
        if isinstance(entry, dict) and str(entry.get("toolkit", "")).lower() == PLUGIN_TOOLKIT.lower()
    ]


def wanted_tools(entries: list[dict[str, Any]]) -> set[str] | None:
    """The tool names the entries enable; None for every tool."""
    names = {str(t.get("name")) for e in entries for t in e.get("tools") or [] if isinstance(t, dict) and t.get("name")}
    return None if not names or ALL_PLUGIN_TOOLS in names else names


def pinned_integration(entries: list[dict[str, Any]]) -> str | None:
    """The Plugin integration the assistant names (on the toolkit or on one of its tools), if any."""
    holders = [*entries, *(t for e in entries for t in e.get("tools") or [] if isinstance(t, dict))]
    for holder in holders:
        settings = holder.get("settings")
        if isinstance(settings, dict) and isinstance(settings.get("id"), str) and settings["id"]:
            return str(settings["id"])
    return None


async def caller_plugin_key(
    session: AsyncSession, principal: Principal, project: str, integration_id: str | None = None
) -> str | None:
    """The caller's plugin key for work in `project`: the named integration if the caller may use it,
    else their own (project, then global), else the project's; in their current project when they are
    not a member of `project` (a marketplace assistant). None when there is none."""
    for where in dict.fromkeys([project, principal.current_project]):
        try:
            return await _key_in(session, principal, where, integration_id)
        except NotFound:
            continue
    return None


async def _key_in(session: AsyncSession, principal: Principal, project: str, integration_id: str | None) -> str | None:
    policy.ensure_project_visible(principal, project)
    found = None
    if integration_id:
        with contextlib.suppress(NotFound, Forbidden, Unprocessable):  # not the caller's to use: theirs instead
            found = await credentials_for(session, principal, project, None, PLUGIN_TOOLKIT, integration_id)
    if found is None:
        found = await credentials_for(session, principal, project, None, PLUGIN_TOOLKIT)
    key = found.values.get(KEY_FIELD) if found is not None else None
    return key if isinstance(key, str) and key else None


def engine_of(ctx: ToolContext) -> PluginEngine | None:
    """The process's running plugin engine, if any."""
    engine = getattr(ctx.resources, "plugins", None)
    return engine if isinstance(engine, PluginEngine) and engine.running else None


def call_timeout(engine: PluginEngine) -> float:
    """A plugin call ends before the agent's own tool timeout, so the user reads the plugin's reason."""
    settings = engine.settings
    return max(1.0, min(settings.nats.call_timeout_seconds, settings.llm.tool_timeout_seconds - 1.0))


async def tools_for(assistant: Assistant, ctx: ToolContext) -> list[Tool]:
    """The tools of the caller's running plugins that the assistant's Plugin toolkit enables."""
    entries = plugin_toolkits(assistant)
    if not entries:
        return []
    engine = engine_of(ctx)
    if engine is None:
        log.warning("an assistant uses plugins but the plugin engine is not running")
        return []
    try:
        async with ctx.sessions() as session:
            key = await caller_plugin_key(session, ctx.principal, assistant.project, pinned_integration(entries))
    except CodemillError as exc:  # e.g. no master key to open the integration
        log.warning("no plugin key for the chat", extra={"error": exc.message})
        return []
    if key is None:
        return []
    try:
        found = await plugin_agent_tools(engine.client, key, call_timeout=call_timeout(engine))
    except PluginError as exc:
        log.warning("listing the plugin tools failed", extra={"error": exc.message})
        return []
    names = wanted_tools(entries)
    return [tool for tool in found if names is None or _enabled(tool, names)]


def _enabled(tool: PluginAgentTool, names: set[str]) -> bool:
    announced = tool.plugin_tool.name
    return tool.name in names or announced in names or announced.lstrip("_") in names


async def listing_key(session: AsyncSession, principal: Principal, project: str, integration_id: str | None) -> str:
    """The plugin key whose tools the caller asks to see: the named integration (404 unless theirs to
    use), else theirs for the project; 422 when they have none."""
    if integration_id:
        found = await credentials_for(session, principal, project, None, PLUGIN_TOOLKIT, integration_id)
        key = found.values.get(KEY_FIELD) if found is not None else None
    else:
        key = await caller_plugin_key(session, principal, project)
    if not isinstance(key, str) or not key:
        raise Unprocessable(
            "No Plugin integration", help="Create an integration of type Plugin: it gives you a plugin key."
        )
    return key


async def toolkit_info(engine: PluginEngine, key: str) -> dict[str, Any]:
    """The Plugin toolkit with the tools the key's plugins offer now (what an assistant may enable)."""
    tools = await plugin_agent_tools(engine.client, key)
    if not tools:
        raise Unprocessable(
            "No plugin tools found",
            details="No plugin of this key is connected.",
            help=f"Start one: PLUGIN_KEY=<key> PLUGIN_ENGINE_URI={engine.public_url} "
            "codemie-plugins development run --repo-path .",
        )
    return {
        "toolkit": PLUGIN_TOOLKIT,
        "label": PLUGIN_TOOLKIT,
        "settings_config": True,
        "is_external": False,
        "tools": [
            {
                "name": tool.name,
                "label": tool.name.strip("_").replace("_", " ").title(),
                "description": tool.description,
                "user_description": tool.description,
                "settings_config": False,
            }
            for tool in tools
        ],
    }
