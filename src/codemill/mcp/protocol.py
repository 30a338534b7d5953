"""The MCP Connect wire format (CodeMie's bridge bodies), the routing bucket and the command allow-list.

Shared by the API (which sends the requests) and `codemill mcp-connect` (which answers them), so
both sides agree on one definition.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import shlex
from enum import StrEnum
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

BUCKET_HEADER = "X-MCP-Connect-Bucket"
BUCKET_PLACEHOLDER = "{MCP_CONNECT_BUCKET}"
BUCKET_KEY = "BUCKET_KEY"  # an env value that, when set, alone decides the bucket (as in CodeMie)


class BridgeMethod(StrEnum):
    TOOLS_LIST = "tools/list"
    TOOLS_CALL = "tools/call"
    PING = "ping"


class Transport(StrEnum):
    STDIO = "stdio"
    STREAMABLE_HTTP = "streamable-http"
    SSE = "sse"


class BridgeRequest(BaseModel):
    """POST /bridge: CodeMie's MCPToolInvocationRequest, field for field."""

    model_config = ConfigDict(extra="ignore")

    method: BridgeMethod = BridgeMethod.TOOLS_CALL
    serverPath: str = Field(min_length=1, max_length=4000)
    args: list[str] = Field(default_factory=list, max_length=200)
    params: dict[str, Any] = Field(default_factory=dict)
    env: dict[str, Any] = Field(default_factory=dict)
    mcp_headers: dict[str, str] = Field(default_factory=dict)
    http_transport_type: str | None = None
    single_usage: bool | None = None
    user_id: str | None = None
    assistant_id: str | None = None
    project_name: str | None = None
    workflow_execution_id: str | None = None
    request_headers: dict[str, str] | None = None

    def __repr__(self) -> str:  # env and headers hold secrets: keep them out of tracebacks and logs
        return f"BridgeRequest({self.method} {self.transport} {self.command_name!r})"

    __str__ = __repr__

    @property
    def transport(self) -> Transport:
        """stdio for a command; for a URL, streamable HTTP when asked for, else SSE (CodeMie's rule)."""
        if not self.serverPath.startswith(("http://", "https://")):
            return Transport.STDIO
        if (self.http_transport_type or "").lower() in ("streamable-http", "streamable_http", "http"):
            return Transport.STREAMABLE_HTTP
        return Transport.SSE

    @property
    def command_name(self) -> str:
        """The command's base name (stdio), or the URL's scheme and host (never its path or query)."""
        if self.transport is Transport.STDIO:
            return os.path.basename(self.serverPath.strip())
        return self.serverPath.split("/")[2] if self.serverPath.count("/") >= 2 else self.serverPath


class ToolDefinition(BaseModel):
    """One tool of a server, as tools/list answers it."""

    model_config = ConfigDict(extra="ignore")

    name: str
    description: str | None = None
    inputSchema: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})


class ToolsListResponse(BaseModel):
    tools: list[ToolDefinition]


class ContentItem(BaseModel):
    """An item of a tool's result (text, image, resource…); CodeMie's MCPToolContentItem."""

    model_config = ConfigDict(extra="allow")

    type: str = "text"
    text: str | None = None
    data: str | None = None
    mimeType: str | None = None

    def as_text(self) -> str:
        """What the model reads of this item."""
        if self.text is not None:
            return self.text
        if self.type == "image":
            return f"![image](data:{self.mimeType};base64,{self.data})"
        return orjson.dumps(self.model_dump(exclude_none=True)).decode()


class ToolCallResponse(BaseModel):
    content: list[ContentItem] = Field(default_factory=list)
    isError: bool = False

    def text(self) -> str:
        """The result as one text."""
        return "\n".join(item.as_text() for item in self.content)


def bucket_of(request: BridgeRequest, buckets: int) -> int:
    """The routing bucket of a server: env BUCKET_KEY if set, else a hash of the whole configuration."""
    if buckets <= 1:
        return 0
    key = request.env.get(BUCKET_KEY)
    if not key:
        key = orjson.dumps(
            [request.serverPath, request.args, request.env, request.mcp_headers, request.http_transport_type],
            option=orjson.OPT_SORT_KEYS,
            default=str,
        ).decode()
    return int(hashlib.md5(str(key).encode(), usedforsecurity=False).hexdigest(), 16) % buckets


def allowed_command(command: str, args: list[str], allow_list: list[str]) -> bool:
    """Whether a stdio command line is on the allow-list.

    An entry is a command name, then optional glob patterns that the leading arguments must match:
    "npx" allows any npx line; "python -m codemill.mcp.servers.*" allows only those modules. A command
    given as a path is never allowed (a name on the allow-list must not run another binary).
    """
    if not command or os.path.basename(command) != command:
        return False
    for entry in allow_list:
        words = shlex.split(entry)
        if not words or words[0] != command:
            continue
        patterns = words[1:]
        if len(args) >= len(patterns) and all(fnmatch.fnmatchcase(a, p) for a, p in zip(args, patterns, strict=False)):
            return True
    return False


def substitute(text: str, values: dict[str, Any]) -> str:
    """`{{NAME}}` placeholders replaced by env values (headers and arguments refer to secrets so)."""
    for key, value in values.items():
        text = text.replace("{{" + str(key) + "}}", str(value))
    return text
