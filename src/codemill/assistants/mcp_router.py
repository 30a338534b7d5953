"""/v1/assistants/mcp_tools and /v1/assistants/mcp/test: an MCP server's tools before it is saved."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from codemill.assistants.schemas import MCPServerDetails
from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.errors import CodemillError, Unprocessable
from codemill.kit.json_types import JsonObject
from codemill.mcp.assistant_tools import toolkit_info
from codemill.mcp.dependencies import MCPConnect

router = APIRouter(prefix="/v1/assistants", tags=["mcp"])


class MCPServerCheckRequest(BaseModel):
    mcp_server: MCPServerDetails


class MCPServerCheckOut(BaseModel):
    success: bool
    message: str


class ToolOut(BaseModel):
    name: str
    label: str
    description: str
    user_description: str
    settings_config: bool = False


class MCPToolkitOut(BaseModel):
    toolkit: str
    label: str
    description: str
    settings_config: bool = False
    is_external: bool = True
    tools: list[ToolOut]


def _server(details: MCPServerDetails) -> JsonObject:
    data = details.model_dump(mode="json", exclude={"settings", "mcp_connect_auth_token"})
    data["settings"] = details.settings.stored() if details.settings else None
    data["enabled"] = True
    return data


@router.post("/mcp_tools", response_model=list[MCPToolkitOut])
async def mcp_tools(
    session: Session, principal: CurrentPrincipal, client: MCPConnect, body: MCPServerDetails
) -> list[MCPToolkitOut]:
    """The server's tools, listed through MCP Connect (422 when it cannot be listed or has none)."""
    return [MCPToolkitOut.model_validate(await toolkit_info(session, principal, client, _server(body)))]


@router.post("/mcp/test", response_model=MCPServerCheckOut)
async def test_mcp_server(
    session: Session, principal: CurrentPrincipal, client: MCPConnect, body: MCPServerCheckRequest
) -> MCPServerCheckOut:
    """Whether the server starts and lists its tools (422 with the reason otherwise)."""
    try:
        info = await toolkit_info(session, principal, client, _server(body.mcp_server) | {"config": _single(body)})
    except CodemillError as exc:
        raise Unprocessable(
            "Cannot test specified mcp server",
            details=f"An error occurred while trying to test the mcp server: {exc.message}: {exc.details or ''}".strip(),
        ) from exc
    return MCPServerCheckOut(success=True, message=f"Success: {len(info['tools'])} tools")


def _single(body: MCPServerCheckRequest) -> JsonObject | None:
    """A test starts the server afresh (single usage), as CodeMie's tester does."""
    config = body.mcp_server.config
    return None if config is None else config.model_dump(mode="json") | {"single_usage": True}
