"""A small real server speaking the OpenAI chat-completions protocol (SSE streaming, tool calls).

It stands in for the outside provider only: Codemill talks to it over HTTP exactly as it talks to
OpenAI, Azure OpenAI or a LiteLLM proxy. Its answers are scripted:
- the last message is a tool result -> "The tool said: <result>", streamed word by word;
- tools are offered and the user spoke last -> a call to the first tool (all tools when
  `parallel_tools`), the user's text in its first string parameter;
- otherwise -> "Echo: <user text>", or the next text queued with `reply_next`.
Tests can queue failing statuses (429 then 200), slow the stream down, and see disconnects.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from codemill.kit.net import free_port
from tests.support.waiting import wait_until

WORD = re.compile(r"\S+\s*")


@dataclass
class Seen:
    """One request the server received."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeOpenAI:
    """The server's script and what it saw."""

    chunk_delay: float = 0.0
    parallel_tools: bool = False
    include_usage: bool = True
    requests: list[Seen] = field(default_factory=list)
    failures: deque[int] = field(default_factory=deque)
    replies: deque[str] = field(default_factory=deque)
    disconnects: int = 0
    disconnected: threading.Event = field(default_factory=threading.Event)
    streaming_started: threading.Event = field(default_factory=threading.Event)

    def fail_next(self, *statuses: int) -> None:
        """The next requests answer with these statuses, in order."""
        self.failures.extend(statuses)

    def reply_next(self, *texts: str) -> None:
        """The next answers without tool calls are these texts, in order (instead of the echo)."""
        self.replies.extend(texts)

    def reset(self) -> None:
        """Forget what was seen and scripted."""
        self.requests.clear()
        self.failures.clear()
        self.replies.clear()
        self.disconnects = 0
        self.chunk_delay = 0.0
        self.parallel_tools = False
        self.disconnected.clear()
        self.streaming_started.clear()

    async def completions(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(Seen(request.url.path, dict(request.query_params), dict(request.headers), body))
        if self.failures:
            status = self.failures.popleft()
            return JSONResponse(
                {"error": {"message": f"scripted failure {status}", "type": "scripted", "code": status}},
                status_code=status,
                headers={"retry-after-ms": "20"},
            )
        if not body.get("stream"):
            return JSONResponse({"error": {"message": "this server only streams"}}, status_code=400)
        return StreamingResponse(self._events(body), media_type="text/event-stream")

    async def _events(self, body: dict[str, Any]) -> AsyncIterator[str]:
        model = body.get("model", "fake")
        messages = body.get("messages") or []
        last = messages[-1] if messages else {"role": "user", "content": ""}
        tools = body.get("tools") or []
        usage_in = sum(len(str(m.get("content") or "").split()) for m in messages) + 1
        completed = False
        try:
            self.streaming_started.set()
            yield sse(sse_chunk(model, {"role": "assistant", "content": ""}))
            if last.get("role") != "tool" and tools:
                chosen = tools if self.parallel_tools else tools[:1]
                for index, tool in enumerate(chosen):
                    function = tool["function"]
                    args = json.dumps({_first_string_param(function): last.get("content") or ""})
                    start = {
                        "index": index,
                        "id": f"call_{index}",
                        "type": "function",
                        "function": {"name": function["name"], "arguments": ""},
                    }
                    yield sse(sse_chunk(model, {"tool_calls": [start]}))
                    for piece in (args[: len(args) // 2], args[len(args) // 2 :]):
                        yield sse(
                            sse_chunk(model, {"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
                        )
                yield sse(sse_chunk(model, {}, finish="tool_calls"))
                usage_out = 10 * len(chosen)
            else:
                text = (
                    self.replies.popleft()
                    if self.replies
                    else f"The tool said: {last.get('content')}"
                    if last.get("role") == "tool"
                    else f"Echo: {last.get('content')}"
                )
                for word in WORD.findall(text):
                    if self.chunk_delay:  # a deliberately slow upstream (tests stop or cut it mid-answer)
                        await asyncio.sleep(self.chunk_delay)
                    yield sse(sse_chunk(model, {"content": word}))
                yield sse(sse_chunk(model, {}, finish="stop"))
                usage_out = len(text.split())
            if self.include_usage and (body.get("stream_options") or {}).get("include_usage"):
                yield sse(
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [],
                        "usage": {
                            "prompt_tokens": usage_in,
                            "completion_tokens": usage_out,
                            "total_tokens": usage_in + usage_out,
                        },
                    }
                )
            yield "data: [DONE]\n\n"
            completed = True
        finally:
            if not completed:
                self.disconnects += 1
                self.disconnected.set()


def _first_string_param(function: dict[str, Any]) -> str:
    properties = (function.get("parameters") or {}).get("properties") or {}
    return next((name for name, schema in properties.items() if (schema or {}).get("type") == "string"), "input")


def sse_chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    """One chat.completion.chunk of a streamed answer."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def sse(data: dict[str, Any]) -> str:
    """One server-sent event."""
    return f"data: {json.dumps(data)}\n\n"


class ThreadedServer:
    """An ASGI app on a loopback port, served by uvicorn in a background thread."""

    def __init__(self, app: Starlette, name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, name=name, daemon=True)
        self._thread.start()
        wait_until(
            lambda: self._server.started or not self._thread.is_alive(), timeout=15, what=f"the {name} server to start"
        )
        if not self._server.started:
            raise RuntimeError(f"the {name} server did not start")

    def close(self) -> None:
        """Stop the server."""
        self._server.should_exit = True
        self._thread.join(10)


class OpenAIServer(ThreadedServer):
    """The fake provider running on a loopback port in a background thread."""

    def __init__(self) -> None:
        self.script = FakeOpenAI()
        app = Starlette(
            routes=[
                Route("/v1/chat/completions", self.script.completions, methods=["POST"]),
                Route("/openai/deployments/{deployment}/chat/completions", self.script.completions, methods=["POST"]),
            ]
        )
        super().__init__(app, "fake-openai")
