"""`codemill mcp-connect`: POST /bridge runs tools/list and tools/call on MCP servers; GET /health.

Bodies are CodeMie's MCP Connect ones, so an assistant made for CodeMie works unchanged. Env values
and headers arrive in clear for the call only: they are never logged nor echoed in a response.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from codemill import __version__
from codemill.kit.metrics import CONTENT_TYPE, exposition, metrics
from codemill.kit.outbound import OutboundClient
from codemill.mcp.bridge.connections import BridgeError, ConnectionPool, broken
from codemill.mcp.protocol import BridgeMethod, BridgeRequest, ContentItem, ToolDefinition
from codemill.settings import Settings
from mcp import McpError, types

log = logging.getLogger(__name__)


def truncated(items: list[ContentItem], limit: int) -> list[ContentItem]:
    """Text items cut so the result holds at most `limit` characters, with a note saying so."""
    total = sum(len(i.text or "") for i in items)
    if total <= limit:
        return items
    left, out = limit, []
    for item in items:
        if item.text is not None:
            item = item.model_copy(update={"text": item.text[: max(0, left)]})
            left -= len(item.text or "")
        out.append(item)
    out.append(ContentItem(type="text", text=f"\n[output truncated: {limit} of {total} characters]"))
    return out


class Bridge:
    """The bridge's state: settings, warm sessions."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.mcp_connect
        self.outbound = OutboundClient(settings.allow_private_network)
        self.pool = ConnectionPool(self.settings, self.outbound)
        token = self.settings.token
        self._token = token.get_secret_value() if token is not None else None

    def authorized(self, request: Request) -> bool:
        if not self._token:
            return True
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), self._token.encode())

    async def run(self, body: BridgeRequest) -> dict[str, Any]:
        """Do what the body asks on its server; raise BridgeError for what the caller should read."""
        timeout = (
            self.settings.call_timeout_seconds
            if body.method is BridgeMethod.TOOLS_CALL
            else self.settings.list_timeout_seconds
        )
        try:
            async with asyncio.timeout(timeout + self.settings.list_timeout_seconds):
                async with self.pool.session(body) as session:
                    async with asyncio.timeout(timeout):
                        if body.method is BridgeMethod.TOOLS_LIST:
                            return await self._list(session)
                        if body.method is BridgeMethod.PING:
                            await session.send_ping()
                            return {}
                        return await self._call(session, body)
        except TimeoutError as exc:
            raise BridgeError(504, f"The MCP server '{body.command_name}' did not answer in {timeout:g}s") from exc
        except McpError as exc:
            if broken(exc):
                raise BridgeError(
                    502, f"The MCP server '{body.command_name}' closed the connection (it may have crashed)"
                ) from exc
            raise BridgeError(502, f"The MCP server '{body.command_name}' answered with an error: {exc}") from exc

    async def _list(self, session: Any) -> dict[str, Any]:
        tools: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = await session.list_tools(cursor=cursor) if cursor else await session.list_tools()
            tools += [
                ToolDefinition(name=t.name, description=t.description, inputSchema=t.inputSchema).model_dump()
                for t in page.tools
            ]
            cursor = page.nextCursor
            if not cursor:
                return {"tools": tools}

    async def _call(self, session: Any, body: BridgeRequest) -> dict[str, Any]:
        name = body.params.get("name")
        if not isinstance(name, str) or not name:
            raise BridgeError(400, "params.name: the tool to call is required")
        arguments = body.params.get("arguments") or {}
        if not isinstance(arguments, dict):
            raise BridgeError(400, "params.arguments: must be an object")
        # send_request, not call_tool: the bridge forwards the result as it is; the SDK's output-schema
        # check (a JSON-schema validation per call) is the caller's business, and costs milliseconds.
        request = types.ClientRequest(
            types.CallToolRequest(params=types.CallToolRequestParams(name=name, arguments=arguments))
        )
        result = await session.send_request(request, types.CallToolResult)
        items = [ContentItem.model_validate(c.model_dump(mode="json", exclude_none=True)) for c in result.content]
        items = truncated(items, self.settings.max_output_chars)
        return {"content": [i.model_dump(exclude_none=True) for i in items], "isError": bool(result.isError)}


def create_bridge_app(settings: Settings) -> Starlette:
    """The MCP Connect ASGI app."""
    bridge = Bridge(settings)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        bridge.pool.start()
        try:
            yield
        finally:
            await bridge.pool.close()
            await bridge.outbound.aclose()

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__, "servers": len(bridge.pool)})

    async def run(request: Request) -> JSONResponse:
        if not bridge.authorized(request):
            return JSONResponse({"error": "Unauthorized: a valid Bearer token is required"}, status_code=401)
        try:
            body = BridgeRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            fields = ", ".join(".".join(str(p) for p in e["loc"]) or "body" for e in exc.errors())
            return JSONResponse({"error": f"Invalid request: {fields}"}, status_code=400)
        started = time.perf_counter()
        try:
            answer = await bridge.run(body)
        except BridgeError as exc:
            metrics().mcp_bridge_seconds.labels(body.method.value, str(exc.status)).observe(
                time.perf_counter() - started
            )
            log.warning(
                "mcp-connect request failed",
                extra={
                    "method": body.method.value,
                    "server": body.command_name,
                    "status": exc.status,
                    "error": exc.message,
                },
            )
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        metrics().mcp_bridge_seconds.labels(body.method.value, "200").observe(time.perf_counter() - started)
        log.debug(
            "mcp-connect request",
            extra={
                "method": body.method.value,
                "server": body.command_name,
                "ms": (time.perf_counter() - started) * 1e3,
            },
        )
        return JSONResponse(answer)

    async def prometheus(_request: Request) -> Response:
        return Response(exposition(), media_type=CONTENT_TYPE)

    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/metrics", prometheus, methods=["GET"]),
            Route("/bridge", run, methods=["POST"]),
        ],
        lifespan=lifespan,
    )


def serve_bridge(settings: Settings, host: str, port: int) -> None:
    """Run the bridge until stopped."""
    uvicorn.run(
        create_bridge_app(settings),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
