"""The API's side of MCP Connect: list and call tools of MCP servers through the bridge.

Tool lists are kept for a while per server configuration (a hash of it: the cache never holds a
secret). Failures come back as MCPConnectError with a message a user can act on.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from pydantic import ValidationError

from codemill.mcp.protocol import (
    BUCKET_HEADER,
    BUCKET_PLACEHOLDER,
    BridgeMethod,
    BridgeRequest,
    ToolCallResponse,
    ToolDefinition,
    ToolsListResponse,
    bucket_of,
)
from codemill.settings import MCPConnectSettings


class MCPConnectError(Exception):
    """A failure listing or calling MCP tools; `message` is safe to show (it holds no secret)."""

    def __init__(self, message: str, status: int = 502) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, repr=False)
class ServerLaunch:
    """How the bridge reaches one MCP server. `env` and `headers` hold secrets in clear: never log them."""

    server_path: str
    args: tuple[str, ...] = ()
    env: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    transport_type: str | None = None
    single_usage: bool = False

    def __repr__(self) -> str:
        return f"ServerLaunch({self.server_path.split('?')[0]!r})"

    def request(self, method: BridgeMethod, params: dict[str, Any], context: dict[str, str | None]) -> BridgeRequest:
        """The bridge body for one method."""
        return BridgeRequest(
            method=method,
            serverPath=self.server_path,
            args=list(self.args),
            params=params,
            env=self.env,
            mcp_headers=self.headers,
            http_transport_type=self.transport_type,
            single_usage=self.single_usage,
            **context,
        )

    @property
    def key(self) -> str:
        material = [self.server_path, self.args, self.env, self.headers, self.transport_type]
        return hashlib.sha256(orjson.dumps(material, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()


class MCPConnectClient:
    """Calls `POST /bridge` of the configured MCP Connect (settings are read per call: serve fills them in)."""

    def __init__(self, settings: MCPConnectSettings) -> None:
        self._settings = settings
        self._http: httpx.AsyncClient | None = None
        self._tools: dict[str, tuple[float, list[ToolDefinition]]] = {}

    @property
    def configured(self) -> bool:
        return bool(self._settings.url)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def list_tools(
        self, launch: ServerLaunch, context: dict[str, str | None] | None = None, *, fresh: bool = False
    ) -> list[ToolDefinition]:
        """The server's tools (kept for tools_cache_seconds unless single usage or `fresh`)."""
        now = time.monotonic()
        cached = self._tools.get(launch.key)
        if cached and not fresh and not launch.single_usage and now - cached[0] < self._settings.tools_cache_seconds:
            return cached[1]
        answer = await self._post(launch, launch.request(BridgeMethod.TOOLS_LIST, {}, context or {}))
        try:
            tools = ToolsListResponse.model_validate(answer).tools
        except ValidationError as exc:
            raise MCPConnectError(f"MCP Connect answered tools/list with an unexpected body: {exc}") from exc
        if not launch.single_usage:
            self._tools[launch.key] = (now, tools)
            if len(self._tools) > 1000:  # a bound, not an LRU: the oldest entries go
                for key in sorted(self._tools, key=lambda k: self._tools[k][0])[:100]:
                    self._tools.pop(key, None)
        return tools

    async def call_tool(
        self, launch: ServerLaunch, name: str, arguments: dict[str, Any], context: dict[str, str | None] | None = None
    ) -> ToolCallResponse:
        """The tool's result (isError set when the tool itself reported a failure)."""
        body = launch.request(BridgeMethod.TOOLS_CALL, {"name": name, "arguments": arguments}, context or {})
        answer = await self._post(launch, body)
        try:
            return ToolCallResponse.model_validate(answer)
        except ValidationError as exc:
            raise MCPConnectError(f"MCP Connect answered tools/call with an unexpected body: {exc}") from exc

    async def _post(self, launch: ServerLaunch, body: BridgeRequest) -> Any:
        base = self._settings.url
        if not base:
            raise MCPConnectError(
                "MCP Connect is not configured", status=503
            )  # the help is in docs/mcp.md: set CODEMILL_MCP_CONNECT__URL
        bucket = bucket_of(body, self._settings.buckets_count)
        url = base.rstrip("/").replace(BUCKET_PLACEHOLDER, str(bucket)) + "/bridge"
        headers = {BUCKET_HEADER: str(bucket)}
        if self._settings.token is not None:
            headers["Authorization"] = f"Bearer {self._settings.token.get_secret_value()}"
        if self._http is None:
            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(self._settings.call_timeout_seconds + self._settings.list_timeout_seconds + 5)
            )
        try:
            response = await self._http.post(
                url,
                content=body.model_dump_json(exclude_none=True),
                headers={**headers, "content-type": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise MCPConnectError(f"MCP Connect is not reachable: {type(exc).__name__}", status=503) from exc
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code != 200:
            message = answer.get("error") if isinstance(answer, dict) else None
            raise MCPConnectError(str(message or f"MCP Connect answered {response.status_code}"), response.status_code)
        return answer
