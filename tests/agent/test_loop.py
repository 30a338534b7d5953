"""The agent loop: tool calls (parallel), thoughts, errors, truncation, recursion limit, cancellation.

The model here is a scripted in-memory provider (the port's fake): each call returns the next scripted
step. The mock LLM is exercised too, end to end with a built-in tool.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import pytest

from codemill.agent.loop import AgentEvent, AgentRequest, AgentRun, Chunk, Final, ModelCalled, ThoughtUpdate, run_agent
from codemill.auth.principal import Principal
from codemill.llm.catalogue import CatalogueModel, mock_model
from codemill.llm.provider import (
    ChatMessage,
    Completion,
    CompletionRequest,
    LLMError,
    ProviderEvent,
    TextDelta,
    ToolCall,
    Usage,
)
from codemill.llm.providers.mock import MockProvider
from codemill.tools.base import ToolContext, ToolError
from codemill.tools.registry import tools_for

MODEL = CatalogueModel(base_name="scripted", api="openai", cost={"input": 0.001, "output": 0.002})  # type: ignore[arg-type]
CONTEXT = ToolContext(Principal("u1", "u@example.com", "u", "U", False, "local"), "proj", "a1", "c1", None, None)  # type: ignore[arg-type]


@dataclass
class ScriptedProvider:
    """Returns scripted steps: a list of tool calls, a text answer, or an exception."""

    steps: list[list[ToolCall] | str | Exception]
    name: str = "scripted"
    seen: list[list[ChatMessage]] = field(default_factory=list)

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[ProviderEvent, None]:
        self.seen.append(list(request.messages))
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, str):
            for word in step.split(" "):
                yield TextDelta(word + " ")
            yield Completion(step, [], Usage(100, 10))
            return
        yield Completion("", step, Usage(100, 5))

    async def close(self) -> None:
        return None


@dataclass
class EchoTool:
    name: str
    description: str = "Echoes its input."
    parameters: dict[str, Any] = field(
        default_factory=lambda: {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
    )
    output: str | None = None
    error: str | None = None
    gate: asyncio.Event | None = None
    other_started: asyncio.Event | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)
    cancelled: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        self.started.set()
        try:
            if self.other_started is not None:
                await asyncio.wait_for(self.other_started.wait(), 5)
            if self.gate is not None:
                await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        if self.error:
            raise ToolError(self.error)
        return self.output if self.output is not None else f"{self.name}: {args.get('text')}"


def call(name: str, text: str = "x", call_id: str | None = None) -> ToolCall:
    return ToolCall(call_id or f"id-{name}", name, json.dumps({"text": text}))


def request(provider: Any, tools: list[Any], **options: Any) -> AgentRequest:
    messages = [ChatMessage("system", "sys"), ChatMessage("user", "question")]
    return AgentRequest(provider, options.pop("model", MODEL), messages, tools, CONTEXT, **options)


async def run(req: AgentRequest) -> tuple[list[AgentEvent], AgentRun]:
    state = AgentRun()
    return [event async for event in run_agent(req, state)], state


async def test_parallel_tool_calls_run_concurrently_and_each_is_a_thought() -> None:
    first, second = EchoTool("first"), EchoTool("second")
    first.other_started, second.other_started = second.started, first.started  # each waits for the other
    provider = ScriptedProvider([[call("first", "a"), call("second", "b")], "both done"])
    events, state = await run(request(provider, [first, second]))
    thoughts = [e for e in events if isinstance(e, ThoughtUpdate)]
    assert [t.record["in_progress"] for t in thoughts] == [True, True, False, False]
    ended = {t.record["metadata"]["tool_name"]: t.record for t in thoughts if not t.record["in_progress"]}
    assert ended["first"]["message"] == "first: a" and ended["second"]["message"] == "second: b"
    assert ended["first"]["input_text"] == json.dumps({"text": "a"})
    assert all(r["metadata"]["duration_ms"] is not None and r["error"] is False for r in ended.values())
    final = events[-1]
    assert isinstance(final, Final) and final.success and final.text == "both done"
    tool_messages = [m for m in provider.seen[1] if m.role == "tool"]
    assert [(m.tool_call_id, m.content) for m in tool_messages] == [
        ("id-first", "first: a"),
        ("id-second", "second: b"),
    ]
    assert len(state.calls) == 2 and state.calls[0].cost == pytest.approx(100 * 0.001 + 5 * 0.002)
    assert sum(isinstance(e, ModelCalled) for e in events) == 2
    assert "".join(e.text for e in events if isinstance(e, Chunk)).strip() == "both done"


async def test_tool_errors_go_back_to_the_model_and_to_the_user() -> None:
    broken = EchoTool("broken", error="the repository does not exist")
    provider = ScriptedProvider([[call("broken"), call("missing"), ToolCall("id-bad", "broken", "{not json")], "sorry"])
    events, state = await run(request(provider, [broken]))
    ended = [e.record for e in events if isinstance(e, ThoughtUpdate) and not e.record["in_progress"]]
    assert len(ended) == 3 and all(r["error"] for r in ended)
    messages = {r["metadata"]["tool_call_id"]: r["message"] for r in ended}
    assert messages["id-broken"] == "the repository does not exist"
    assert "no tool named 'missing'" in messages["id-missing"]
    assert "not valid JSON" in messages["id-bad"]
    to_model = [m.content for m in provider.seen[1] if m.role == "tool"]
    assert to_model[0] == "Error: the repository does not exist"
    assert [e["error_code"] for e in state.tool_errors()] == [
        "tool_execution_failed",
        "tool_execution_failed",
        "tool_validation",
    ]
    assert isinstance(events[-1], Final) and events[-1].success


async def test_tool_output_is_truncated_to_the_token_limit() -> None:
    loud = EchoTool("loud", output=" ".join(["word"] * 5000))
    provider = ScriptedProvider([[call("loud")], "ok"])
    events, _ = await run(request(provider, [loud], tool_output_max_tokens=50))
    record = next(e.record for e in events if isinstance(e, ThoughtUpdate) and not e.record["in_progress"])
    assert "[Output truncated: 5000 tokens, limit 50.]" in record["message"]
    assert record["message"].count("word") == 50
    assert provider.seen[1][-1].content == record["message"]


async def test_recursion_limit_stops_the_loop() -> None:
    provider = ScriptedProvider([[call("echo")]])
    events, state = await run(request(provider, [EchoTool("echo")], recursion_limit=3))
    final = events[-1]
    assert isinstance(final, Final) and not final.success
    assert final.agent_error is not None and "Recursion limit of 3" in final.agent_error["message"]
    assert len(state.calls) == 3 and len(provider.seen) == 3


async def test_model_failure_ends_the_run_with_an_agent_error() -> None:
    provider = ScriptedProvider([LLMError("The model provider is rate limiting requests", code="llm_rate_limited")])
    events, state = await run(request(provider, []))
    final = events[-1]
    assert isinstance(final, Final) and not final.success
    assert final.agent_error == {
        "error_code": "llm_rate_limited",
        "message": "The model provider is rate limiting requests",
    }
    assert state.calls[0].status == "error"


async def test_cancellation_cancels_running_tools_and_keeps_what_happened() -> None:
    slow = EchoTool("slow", gate=asyncio.Event())
    provider = ScriptedProvider([[call("slow")], "never"])
    state = AgentRun()

    async def consume() -> None:
        async for _ in run_agent(request(provider, [slow]), state):
            pass

    task = asyncio.create_task(consume())
    await asyncio.wait_for(slow.started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(slow.cancelled.wait(), 5)
    state.interrupt()
    assert state.thoughts[0].interrupted and state.thoughts[0].record()["metadata"]["status"] == "interrupted"


async def test_the_mock_really_calls_a_builtin_tool() -> None:
    tools = tools_for([{"toolkit": "Utilities", "tools": [{"name": "calculator"}]}])
    req = AgentRequest(MockProvider(), mock_model(), [ChatMessage("user", "What is 12*(3+4)?")], tools, CONTEXT)
    events, state = await run(req)
    thought = next(e.record for e in events if isinstance(e, ThoughtUpdate) and not e.record["in_progress"])
    assert thought["author_name"] == "Calculator" and thought["message"] == "12*(3+4) = 84"
    final = events[-1]
    assert isinstance(final, Final) and "> 12*(3+4) = 84" in final.text and "`calculator`" in final.text
    assert len(state.calls) == 2
