"""A scripted model behind a real OpenAI-protocol server: it makes the tool calls a test plans, in order.

Codemill talks to it over HTTP exactly as to any OpenAI-compatible provider. Each model call of a
turn makes the next planned tool call (one per call, as a careful model would: list, then read);
once the plan is done it answers with every tool result of the turn, in order.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from codemill.kit.net import free_port

ANSWER_HEADER = "What the tools said:"


@dataclass
class Script:
    """The planned calls (tool name, arguments) and the requests the model received."""

    plan: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    async def completions(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(body)
        return StreamingResponse(self._events(body), media_type="text/event-stream")

    async def _events(self, body: dict[str, Any]) -> AsyncIterator[str]:
        model = body.get("model", "scripted")
        results = _results_since_user(body.get("messages") or [])
        offered = {t["function"]["name"] for t in body.get("tools") or []}
        yield _sse(_chunk(model, {"role": "assistant", "content": ""}))
        if len(results) < len(self.plan) and self.plan[len(results)][0] in offered:
            name, args = self.plan[len(results)]
            call = {
                "index": 0,
                "id": f"call_{len(results)}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
            yield _sse(_chunk(model, {"tool_calls": [call]}))
            yield _sse(_chunk(model, {}, finish="tool_calls"))
        else:
            text = "\n---\n".join([ANSWER_HEADER, *results])
            yield _sse(_chunk(model, {"content": text}))
            yield _sse(_chunk(model, {}, finish="stop"))
        yield "data: [DONE]\n\n"


def _results_since_user(messages: list[dict[str, Any]]) -> list[str]:
    results: list[str] = []
    for message in reversed(messages):
        if message.get("role") == "user":
            break
        if message.get("role") == "tool":
            results.append(str(message.get("content") or ""))
    return list(reversed(results))


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _sse(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data)}\n\n"


class ScriptedModelServer:
    """The scripted model on a loopback port, in a background thread."""

    def __init__(self) -> None:
        self.script = Script()
        app = Starlette(routes=[Route("/v1/chat/completions", self.script.completions, methods=["POST"])])
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, name="scripted-model", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the scripted model server did not start")
            time.sleep(0.02)

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
