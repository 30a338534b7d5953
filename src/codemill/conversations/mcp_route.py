"""The /v1/mcp route's app: the MCP endpoint (`mcp_endpoint.py`) built, and the `mcp` SDK imported, on first use.

The SDK costs every API process ~12 MB of memory at start; most deployments never call the endpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import State
from starlette.types import Receive, Scope, Send

if TYPE_CHECKING:
    from codemill.conversations.mcp_endpoint import MCPEndpoint


class LazyMCPEndpoint:
    """The endpoint, built on first use from the app's resources (they exist once the app has started)."""

    def __init__(self, state: State) -> None:
        self._state = state
        self._endpoint: MCPEndpoint | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._endpoint is None:
            from codemill.conversations.mcp_endpoint import MCPEndpoint  # on first use: see the module docstring

            self._endpoint = MCPEndpoint(self._state.resources)
        await self._endpoint(scope, receive, send)
