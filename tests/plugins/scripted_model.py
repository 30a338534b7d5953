"""A scripted model behind a real OpenAI-protocol server: it makes the tool calls a test plans, in order.

Codemill talks to it over HTTP exactly as to any OpenAI-compatible provider. Each model call of a
turn makes the next planned tool call (one per call, as a careful model would: list, then read);
once the plan is done it answers with every tool result of the turn, in order.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.support.openai_server import ThreadedServer, sse, sse_chunk

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
        yield sse(sse_chunk(model, {"role": "assistant", "content": ""}))
        seen = _images_of_last_message(body.get("messages") or [])
        if seen:  # a vision request: say what arrived, so a test can tell the image really reached the model
            yield sse(sse_chunk(model, {"content": "I see " + "; ".join(seen)}))
            yield sse(sse_chunk(model, {}, finish="stop"))
        elif len(results) < len(self.plan) and self.plan[len(results)][0] in offered:
            name, args = self.plan[len(results)]
            call = {
                "index": 0,
                "id": f"call_{len(results)}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
            yield sse(sse_chunk(model, {"tool_calls": [call]}))
            yield sse(sse_chunk(model, {}, finish="tool_calls"))
        else:
            text = "\n---\n".join([ANSWER_HEADER, *results])
            yield sse(sse_chunk(model, {"content": text}))
            yield sse(sse_chunk(model, {}, finish="stop"))
        yield "data: [DONE]\n\n"


def _images_of_last_message(messages: list[dict[str, Any]]) -> list[str]:
    """'an image of N base64 characters (mime)' per image part of the last message."""
    content = messages[-1].get("content") if messages else None
    if not isinstance(content, list):
        return []
    urls = [str(p["image_url"]["url"]) for p in content if isinstance(p, dict) and p.get("type") == "image_url"]
    return [f"an image of {len(u.split(',', 1)[1])} base64 characters ({u[5:].split(';', 1)[0]})" for u in urls]


def _results_since_user(messages: list[dict[str, Any]]) -> list[str]:
    results: list[str] = []
    for message in reversed(messages):
        if message.get("role") == "user":
            break
        if message.get("role") == "tool":
            results.append(str(message.get("content") or ""))
    return list(reversed(results))


class ScriptedModelServer(ThreadedServer):
    """The scripted model on a loopback port, in a background thread."""

    def __init__(self) -> None:
        self.script = Script()
        app = Starlette(routes=[Route("/v1/chat/completions", self.script.completions, methods=["POST"])])
        super().__init__(app, "scripted-model")
