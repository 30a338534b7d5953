"""/v1/assistants/plugin_tools: the tools the caller's running plugins offer (CodeMie's endpoint)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from codemill.auth.dependencies import AppSessions, CurrentPrincipal
from codemill.plugins.assistant_tools import listing_key, toolkit_info
from codemill.plugins.dependencies import AppPluginEngine
from codemill.tools.schemas import ToolkitOut

router = APIRouter(prefix="/v1/assistants", tags=["plugins"])


@router.get("/plugin_tools", response_model=list[ToolkitOut])
async def plugin_tools(
    engine: AppPluginEngine,
    sessions: AppSessions,
    principal: CurrentPrincipal,
    plugin_setting_id: Annotated[str | None, Query(max_length=64)] = None,
    project: Annotated[str | None, Query(max_length=200)] = None,
) -> list[ToolkitOut]:
    """The Plugin toolkit with the caller's plugins' tools; 422 when no plugin of their key runs."""
    # A short session of its own: no database connection is held while the plugins answer.
    async with sessions() as session:
        key = await listing_key(session, principal, project or principal.current_project, plugin_setting_id)
    return [ToolkitOut.model_validate(await toolkit_info(engine, key))]
