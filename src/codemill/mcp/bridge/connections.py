"""Open MCP client sessions of the bridge: one per server configuration, kept warm and reused.

Each session lives in its own task (the SDK's transports are anyio task groups: they must be entered
and left by the same task); requests from any task use it. An idle session is pinged before reuse and
closed after the cache TTL; a session that failed is dropped and the next request opens a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sys
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio
import httpx
import orjson
from mcp.client.sse import sse_client
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CONNECTION_CLOSED

from codemill.kit.outbound import OutboundClient, OutboundRefused
from codemill.mcp.protocol import BridgeRequest, Transport, allowed_command, substitute
from codemill.settings import MCPConnectSettings
from mcp import ClientSession, McpError, StdioServerParameters

log = logging.getLogger(__name__)

# The commands that mean "this Python": the bridge's own interpreter, so servers shipped with Codemill
# run in its environment whatever PATH says.
PYTHON_COMMANDS = ("python", "python3")


class BridgeError(Exception):
    """A failure the bridge answers with `{"error": message}` and this HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def connection_key(request: BridgeRequest) -> str:
    """The cache key of a server configuration (a hash: the key never holds a secret in clear)."""
    material = [request.serverPath, request.args, request.env, request.mcp_headers, request.transport.value]
    return hashlib.sha256(orjson.dumps(material, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()


class ServerConnection:
    """One MCP client session to one server."""

    def __init__(self, request: BridgeRequest, settings: MCPConnectSettings) -> None:
        self._request = request
        self._settings = settings
        self._ready = asyncio.Event()
        self._closing = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None
        self.session: ClientSession | None = None
        self.last_used = time.monotonic()

    @property
    def usable(self) -> bool:
        return self.session is not None and self._task is not None and not self._task.done()

    async def open(self, timeout: float) -> ClientSession:  # noqa: ASYNC109 - the start timeout is the caller's
        """Start the server (or connect to it) and initialize the MCP session."""
        self._task = asyncio.create_task(self._run(), name=f"mcp-server {self._request.command_name}")
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            await self.close()
            raise BridgeError(
                504, f"The MCP server '{self._request.command_name}' did not start in {timeout:g}s"
            ) from None
        if self.session is None:
            await self.close()
            raise BridgeError(502, f"The MCP server '{self._request.command_name}' failed to start: {self._reason()}")
        return self.session

    def _reason(self) -> str:
        error = self._error
        while isinstance(error, BaseExceptionGroup) and error.exceptions:
            error = error.exceptions[0]
        if isinstance(error, McpError) and error.error.code == CONNECTION_CLOSED:
            return "it exited before it answered"
        return f"{type(error).__name__}: {error}" if error is not None else "it exited"

    async def close(self) -> None:
        """Stop the session (and a stdio server's process)."""
        self._closing.set()
        if self._task is not None and not self._task.done():
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 5.0)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
                with contextlib.suppress(BaseException):
                    await self._task
        self.session = None

    async def _run(self) -> None:
        try:
            async with AsyncExitStack() as stack:
                read, write = await stack.enter_async_context(self._transport())
                # No SDK read timeout: the bridge bounds each request itself (starting a server may take
                # longer than a tool call is allowed to).
                session = await stack.enter_async_context(ClientSession(read, write))
                await session.initialize()
                self.session = session
                self._ready.set()
                await self._closing.wait()
        except Exception as exc:  # the server exited, refused, or spoke no MCP: the opener reports it
            self._error = exc
        finally:
            self.session = None
            self._ready.set()

    @asynccontextmanager
    async def _transport(self) -> AsyncIterator[tuple[Any, Any]]:
        request = self._request
        env = {str(k): str(v) for k, v in request.env.items() if v is not None}
        if request.transport is Transport.STDIO:
            command = sys.executable if request.serverPath in PYTHON_COMMANDS else request.serverPath
            params = StdioServerParameters(
                command=command, args=[substitute(a, env) for a in request.args], env=env or None
            )
            async with stdio_client(params) as (read, write):
                yield read, write
            return
        headers = {k: substitute(v, env) for k, v in request.mcp_headers.items()}
        if request.transport is Transport.SSE:
            async with sse_client(request.serverPath, headers=headers, timeout=self._settings.list_timeout_seconds) as (
                read,
                write,
            ):
                yield read, write
            return
        timeout = httpx.Timeout(self._settings.call_timeout_seconds, read=self._settings.call_timeout_seconds + 5)
        async with (
            httpx.AsyncClient(headers=headers, timeout=timeout, follow_redirects=False) as http,
            streamable_http_client(request.serverPath, http_client=http) as (read, write, _session_id),
        ):
            yield read, write


def broken(exc: BaseException) -> bool:
    """Whether a failure means the session is unusable (as opposed to one request failing)."""
    if isinstance(exc, McpError):
        return exc.error.code == CONNECTION_CLOSED
    if isinstance(exc, BaseExceptionGroup):
        return any(broken(e) for e in exc.exceptions)
    return isinstance(exc, (TimeoutError, asyncio.CancelledError, anyio.ClosedResourceError, anyio.BrokenResourceError))


class ConnectionPool:
    """The bridge's warm sessions, by server configuration."""

    def __init__(self, settings: MCPConnectSettings, outbound: OutboundClient) -> None:
        self._settings = settings
        self._outbound = outbound
        self._connections: OrderedDict[str, ServerConnection] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}
        self._sweeper: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._connections)

    def start(self) -> None:
        """Start closing idle sessions in the background."""
        self._sweeper = asyncio.create_task(self._sweep(), name="mcp-connect-sweeper")

    async def close(self) -> None:
        """Close every session."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        connections, self._connections = list(self._connections.values()), OrderedDict()
        await asyncio.gather(*(c.close() for c in connections), return_exceptions=True)

    async def check(self, request: BridgeRequest) -> None:
        """Refuse a command outside the allow-list, or a URL the outbound guard refuses."""
        if request.transport is Transport.STDIO:
            if not allowed_command(request.serverPath.strip(), request.args, self._settings.allowed_commands):
                raise BridgeError(
                    403,
                    f"The command '{request.serverPath.strip()}' is not on the MCP Connect allow-list "
                    f"(allowed: {', '.join(self._settings.allowed_commands) or 'none'}). An administrator can "
                    "allow it with CODEMILL_MCP_CONNECT__ALLOWED_COMMANDS.",
                )
            return
        try:
            await self._outbound.check(request.serverPath)
        except OutboundRefused as exc:
            raise BridgeError(403, f"The MCP server URL is refused: {exc}") from exc

    @asynccontextmanager
    async def session(self, request: BridgeRequest) -> AsyncIterator[ClientSession]:
        """A session to the request's server: a fresh one for single usage, else the warm one."""
        await self.check(request)
        if request.single_usage:
            connection = ServerConnection(request, self._settings)
            try:
                yield await connection.open(self._settings.list_timeout_seconds)
            finally:
                await connection.close()
            return
        key = connection_key(request)
        connection = await self._acquire(key, request)
        connection.last_used = time.monotonic()
        try:
            assert connection.session is not None
            yield connection.session
        except BaseException as exc:
            # A timed-out call may leave the server stuck, a closed one is gone: the next call starts afresh.
            if broken(exc):
                await self._discard(key, connection)
            raise
        finally:
            connection.last_used = time.monotonic()

    async def _acquire(self, key: str, request: BridgeRequest) -> ServerConnection:
        found = await self._reusable(key)
        if found is not None:
            return found
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            found = await self._reusable(key)
            if found is not None:
                return found
            connection = ServerConnection(request, self._settings)
            await connection.open(self._settings.list_timeout_seconds)
            self._connections[key] = connection
            while len(self._connections) > max(1, self._settings.max_clients):
                _, oldest = self._connections.popitem(last=False)
                asyncio.create_task(oldest.close())  # noqa: RUF006 - closing in the background is the point
            return connection

    async def _reusable(self, key: str) -> ServerConnection | None:
        connection = self._connections.get(key)
        if connection is None:
            return None
        if connection.usable and time.monotonic() - connection.last_used > self._settings.ping_after_seconds:
            try:
                assert connection.session is not None
                await asyncio.wait_for(connection.session.send_ping(), 5.0)
            except Exception:
                log.info("an idle MCP server did not answer a ping; reconnecting")
                await self._discard(key, connection)
                return None
        if not connection.usable:
            await self._discard(key, connection)
            return None
        self._connections.move_to_end(key)
        return connection

    async def _discard(self, key: str, connection: ServerConnection) -> None:
        if self._connections.get(key) is connection:
            del self._connections[key]
        await connection.close()

    async def _sweep(self) -> None:
        period = max(1.0, min(30.0, self._settings.cache_ttl_seconds / 4))
        while True:
            await asyncio.sleep(period)
            now = time.monotonic()
            for key, connection in list(self._connections.items()):
                if now - connection.last_used > self._settings.cache_ttl_seconds or not connection.usable:
                    await self._discard(key, connection)
