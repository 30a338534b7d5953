"""A small in-process plugin that speaks the codemie-plugins protocol: for tests and benchmarks.

It connects with a plugin key like the CLI (user = password = key), answers `<key>.list`, beats on
`<key>.live`, runs tools on `<key>.<session>.<label>.<tool>` and says goodbye on `<key>.disconnected`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import nats

from codemill.plugins.messages import Handler, LangChainTool, ServiceMeta, ServiceRequest, ServiceResponse
from codemill.plugins.nats_sync import settle
from codemill.plugins.protocol import (
    EMPTY_SCHEMA,
    disconnected_subject,
    list_subject,
    live_reply_subject,
    live_subject,
    tool_subject,
)

log = logging.getLogger(__name__)

ToolFunction = Callable[[dict[str, Any]], Awaitable[str]]


@dataclass
class FakeTool:
    name: str
    run: ToolFunction
    description: str = ""
    args_schema: dict[str, Any] = field(default_factory=lambda: dict(EMPTY_SCHEMA))


class FakePlugin:
    """A plugin of `key` labelled `label` offering `tools`; `await start()`, `await stop()`."""

    def __init__(
        self, url: str, key: str, tools: list[FakeTool], *, label: str = "default", heartbeat_seconds: float = 60.0
    ) -> None:
        self.url, self.key, self.label = url, key, label
        self.session_id = str(uuid.uuid4())
        self.tools = {tool.name: tool for tool in tools}
        self.heartbeat_seconds = heartbeat_seconds
        self.live_replies: list[bytes] = []
        self.calls = 0
        self.list_requests = 0
        self.nc: Any = None
        self._beat: asyncio.Task[None] | None = None

    async def start(self, **connect_options: Any) -> None:
        self.nc = await nats.connect(self.url, user=self.key, password=self.key, **connect_options)
        await self.nc.subscribe(list_subject(self.key), cb=self._on_list)
        await self.nc.subscribe(live_reply_subject(self.key), cb=self._on_live_reply)
        await self.nc.subscribe(tool_subject(self.key, self.session_id, self.label, "*"), cb=self._on_call)
        await settle(self.nc, f"{self.key}.{self.session_id}.ready")
        self._beat = asyncio.create_task(self._heartbeat())

    async def stop(self, *, goodbye: bool = True) -> None:
        if self._beat is not None:
            self._beat.cancel()
            self._beat = None
        if self.nc is None:
            return
        with contextlib.suppress(Exception):
            if goodbye and self.nc.is_connected:
                await self.nc.publish(disconnected_subject(self.key), self.session_id.encode())
                await self.nc.flush()
        try:
            await self.nc.close()
        except asyncio.CancelledError:
            # nats-py cancels its own wait when closed while reconnecting; only ours must propagate.
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
        except Exception as exc:  # closing is best effort
            log.debug("fake plugin close failed: %s", exc)
        self.nc = None

    def schema(self) -> list[dict[str, Any]]:
        """What the CLI answers to `<key>.list`."""
        return [
            {
                "name": tool.name,
                "subject": tool_subject(self.key, self.session_id, self.label, tool.name),
                "description": tool.description,
                "args_schema": tool.args_schema,
            }
            for tool in self.tools.values()
        ]

    async def _heartbeat(self) -> None:
        while True:
            await self.nc.publish(live_subject(self.key), self.session_id.encode(), reply=live_reply_subject(self.key))
            await asyncio.sleep(self.heartbeat_seconds)

    async def _on_live_reply(self, msg: Any) -> None:
        self.live_replies.append(msg.data)

    async def _on_list(self, msg: Any) -> None:
        self.list_requests += 1
        await self.nc.publish(msg.reply, json.dumps(self.schema()).encode())

    async def _on_call(self, msg: Any) -> None:
        request = ServiceRequest.decode(msg.data)
        name = msg.subject.rsplit(".", 1)[-1]
        response = ServiceResponse(meta=ServiceMeta(subject=msg.subject, handler=Handler.RUN))
        tool = self.tools.get(name)
        if tool is None or request.meta.handler != Handler.RUN or request.tool is None:
            response.error = f"invalid request for {name}"
        else:
            self.calls += 1
            try:
                result = await tool.run(json.loads(request.tool.query or "{}"))
                response.tool = LangChainTool(result=result)
            except Exception as exc:  # a failing tool is reported, as the CLI does
                response.tool = LangChainTool(error=f"Tool '{name}' got error: {exc}")
        await self.nc.publish(msg.reply, response.encode())
