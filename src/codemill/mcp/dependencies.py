"""FastAPI dependencies of the MCP routes: the process's MCP Connect client."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from codemill.errors import Unavailable
from codemill.mcp.client import MCPConnectClient


async def mcp_connect_client(request: Request) -> MCPConnectClient:
    """The MCP Connect client (503 when none is configured)."""
    client = getattr(request.app.state.resources, "mcp", None)
    if not isinstance(client, MCPConnectClient) or not client.configured:
        raise Unavailable(
            "MCP Connect is not configured",
            help="Set CODEMILL_MCP_CONNECT__URL (and its token), or let `codemill serve` start its own.",
        )
    return client


MCPConnect = Annotated[MCPConnectClient, Depends(mcp_connect_client)]
