"""Codemill as an MCP server: /v1/mcp (streamable HTTP) offers the caller's assistants as tools.

Each assistant the caller may use is a tool `ask_<name>` (message, optional conversation_id); a call is
one chat turn, stored in the caller's history like any other. `search_datasources` searches the
datasources the caller may see. Every request is authenticated like the REST API (the user's bearer
token, or the proxy's headers); the session is stateless, so any API replica answers any request.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol

import anyio
from mcp.server.lowlevel import Server
from mcp.server.streamable_http import StreamableHTTPServerTransport
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from codemill.assistants import service as assistants
from codemill.assistants.filters import ListFilters
from codemill.assistants.repository import Page
from codemill.assistants.service import Scope as AssistantScope
from codemill.auth.principal import Principal
from codemill.auth.service import Authenticator
from codemill.conversations import turn
from codemill.conversations.schemas import ChatRequest
from codemill.datasources import retrieval
from codemill.datasources.runtime import IndexingRuntime
from codemill.errors import CodemillError
from codemill.models import Assistant
from mcp import types

log = logging.getLogger(__name__)

MAX_ASSISTANT_TOOLS = 200
SEARCH_TOOL = "search_datasources"
_UNSAFE = re.compile(r"[^a-z0-9_-]")
PRINCIPAL_KEY = "codemill_principal"


def tool_name(assistant: Assistant) -> str:
    """`ask_<name>` in MCP's tool-name alphabet, at most 64 characters."""
    return ("ask_" + (_UNSAFE.sub("", assistant.name.lower().replace(" ", "_")) or "assistant"))[:64]


class EndpointResources(turn.ChatResources, Protocol):
    """What the endpoint uses of the process's Resources: a chat turn's, the authenticator and the embedder."""

    authenticator: Authenticator
    indexing: IndexingRuntime


@dataclass(frozen=True)
class AssistantTool:
    name: str
    assistant_id: str


async def _assistant_tools(
    resources: EndpointResources, principal: Principal
) -> tuple[list[types.Tool], dict[str, AssistantTool]]:
    async with resources.sessions() as session:
        found, _total = await assistants.list_assistants(
            session, principal, AssistantScope.VISIBLE_TO_USER, ListFilters(), Page(0, MAX_ASSISTANT_TOOLS)
        )
    tools: list[types.Tool] = []
    by_name: dict[str, AssistantTool] = {}
    for assistant in found:
        name = tool_name(assistant)
        if name in by_name:  # two assistants of one name: the later one carries its id
            name = f"{name[:55]}_{assistant.id[:8]}"
        by_name[name] = AssistantTool(name, assistant.id)
        about = (assistant.description or "").strip()
        tools.append(
            types.Tool(
                name=name,
                description=f"Ask the assistant '{assistant.name}' (id {assistant.id}). {about}".strip(),
                inputSchema={
                    "type": "object",
                    "properties": {
                        "message": {"type": "string", "description": "What to ask the assistant"},
                        "conversation_id": {
                            "type": "string",
                            "description": "Continue this conversation (returned by an earlier call)",
                        },
                    },
                    "required": ["message"],
                },
            )
        )
    return tools, by_name


SEARCH_SCHEMA = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "description": "What to look for"},
        "datasource_ids": {"type": "array", "items": {"type": "string"}, "description": "Datasources to search"},
        "top_k": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5},
    },
    "required": ["query", "datasource_ids"],
}


def build_server(resources: EndpointResources) -> Server[Any, Request]:
    """The MCP server over this process's resources; the caller is read from each request."""
    server: Server[Any, Request] = Server("codemill", instructions="Codemill's assistants and datasources.")

    def caller() -> Principal:
        request = server.request_context.request
        principal = request.scope.get(PRINCIPAL_KEY) if request is not None else None
        if not isinstance(principal, Principal):
            raise ValueError("not authenticated")
        return principal

    @server.list_tools()  # type: ignore[no-untyped-call,untyped-decorator]
    async def list_tools() -> list[types.Tool]:
        tools, _ = await _assistant_tools(resources, caller())
        search = types.Tool(
            name=SEARCH_TOOL,
            description="Search datasources you may see (code, documents, wikis) for relevant passages.",
            inputSchema=SEARCH_SCHEMA,
        )
        return [*tools, search]

    @server.call_tool(validate_input=False)  # type: ignore[untyped-decorator]
    async def call_tool(name: str, arguments: dict[str, Any]) -> list[types.TextContent]:
        principal = caller()
        try:
            if name == SEARCH_TOOL:
                text = await _search(resources, principal, arguments)
            else:
                text = await _ask(resources, principal, name, arguments)
        except CodemillError as exc:
            raise ValueError(f"{exc.message}{': ' + str(exc.details) if exc.details else ''}") from exc
        return [types.TextContent(type="text", text=text)]

    return server


async def _ask(resources: EndpointResources, principal: Principal, name: str, arguments: dict[str, Any]) -> str:
    _, by_name = await _assistant_tools(resources, principal)
    target = by_name.get(name)
    if target is None:
        raise ValueError(f"Unknown tool '{name}'")
    message = arguments.get("message")
    if not isinstance(message, str) or not message.strip():
        raise ValueError("message: a non-empty text is required")
    conversation_id = arguments.get("conversation_id")
    body = ChatRequest(text=message, conversation_id=conversation_id if isinstance(conversation_id, str) else "")
    prepared = await turn.prepare(resources, principal, target.assistant_id, body)
    final = await turn.execute(prepared, lambda _record: None)
    await turn.store(prepared, final)
    return f"{final['generated']}\n\nConversation_Id: {body.conversation_id}"


async def _search(resources: EndpointResources, principal: Principal, arguments: dict[str, Any]) -> str:
    query = arguments.get("query")
    ids = arguments.get("datasource_ids")
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query: a non-empty text is required")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ValueError("datasource_ids: a list of datasource ids is required")
    top_k = arguments.get("top_k", 5)
    top_k = min(50, max(1, top_k)) if isinstance(top_k, int) else 5
    async with resources.sessions() as session:
        found = await retrieval.visible_by_ids(session, principal, ids)
        hits = await retrieval.search(session, principal, resources.indexing.embedder, found, query, top_k)
    return retrieval.hits_text(hits, {ds.id: ds.name for ds in found})


class MCPEndpoint:
    """The ASGI app mounted at /v1/mcp: authenticate, then one stateless MCP exchange per request."""

    def __init__(self, resources: EndpointResources) -> None:
        self._resources = resources
        self._server = build_server(resources)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        try:
            principal = await self._resources.authenticator.authenticate(
                request.headers, request.client.host if request.client else None
            )
        except CodemillError as exc:
            response = JSONResponse(exc.body(), status_code=exc.status, headers={"WWW-Authenticate": "Bearer"})
            await response(scope, receive, send)
            return
        scope[PRINCIPAL_KEY] = principal
        transport = StreamableHTTPServerTransport(mcp_session_id=None, is_json_response_enabled=True)
        async with anyio.create_task_group() as group:

            async def serve(*, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
                async with transport.connect() as (read, write):
                    task_status.started()
                    await self._server.run(read, write, self._server.create_initialization_options(), stateless=True)

            try:
                await group.start(serve)
                await transport.handle_request(scope, receive, send)
            finally:
                with anyio.CancelScope(shield=True):
                    await transport.terminate()
