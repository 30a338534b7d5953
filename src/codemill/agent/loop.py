"""The agent loop: call the model, run the tools it asks for (in parallel), repeat until it answers.

Provider-agnostic: the mock and a real model are driven the same way. Every event is yielded as it
happens (chunks, thoughts starting and ending, model calls) and also kept in an AgentRun, so a caller
that is cancelled half-way (the user went away) still knows what happened.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import StatusCode

from codemill.agent.thoughts import Thought
from codemill.kit.tracing import tracer
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.provider import (
    ChatMessage,
    Completion,
    CompletionRequest,
    LLMError,
    LLMProvider,
    TextDelta,
    ToolCall,
    ToolSpec,
    Usage,
)
from codemill.llm.tokens import count_message_tokens, count_tokens, truncate_to_tokens
from codemill.llm.usage import ModelCall
from codemill.tools.approval import DENIED_MESSAGE, PendingToolCall
from codemill.tools.audit import audit_tool_call, record_tool_call
from codemill.tools.base import Tool, ToolContext, ToolError, writes

log = logging.getLogger("codemill.agent")


@dataclass(slots=True)
class AgentRequest:
    """Everything one agent run needs."""

    provider: LLMProvider
    model: CatalogueModel
    messages: list[ChatMessage]
    tools: list[Tool]
    tool_context: ToolContext
    temperature: float | None = None
    top_p: float | None = None
    recursion_limit: int = 25
    tool_output_max_tokens: int = 10_000
    tool_timeout_seconds: float = 120.0


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of answer text."""

    text: str


@dataclass(frozen=True, slots=True)
class ThoughtUpdate:
    """A thought started (in progress) or ended (with output or error)."""

    thought: Thought
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ModelCalled:
    """A model call finished."""

    call: ModelCall


@dataclass(frozen=True, slots=True)
class Final:
    """The run's answer, or (pending set) the call it stopped at to wait for the user's approval."""

    text: str
    success: bool = True
    agent_error: dict[str, Any] | None = None
    pending: PendingToolCall | None = None


AgentEvent = Chunk | ThoughtUpdate | ModelCalled | Final


@dataclass(slots=True)
class AgentRun:
    """What happened so far (read it after a cancellation)."""

    thoughts: list[Thought] = field(default_factory=list)
    calls: list[ModelCall] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    answer: str = ""
    finished: bool = False
    # The conversation as the model saw it when the run stopped for an approval (the turn resumes from it).
    messages: list[ChatMessage] = field(default_factory=list)
    # The run's trace span (a no-op one unless tracing is configured): model and tool calls are its children.
    trace_context: Context | None = None

    @property
    def partial_text(self) -> str:
        """The answer streamed so far."""
        return self.answer or "".join(self.text)

    def tool_errors(self) -> list[dict[str, Any]]:
        """Failed tool calls in the SDK's ToolErrorDetails shape."""
        return [t.error_details() for t in self.thoughts if t.error]

    def interrupt(self) -> None:
        """Mark what was still running as interrupted."""
        for thought in self.thoughts:
            if thought.in_progress:
                thought.in_progress = False
                thought.interrupted = True


async def run_agent(request: AgentRequest, run: AgentRun) -> AsyncGenerator[AgentEvent, None]:
    """Drive the model and the tools; the last event is always a Final.

    When the messages end with tool calls not answered yet (a turn resumed after an approval), those
    calls run first. A call that must wait for the user's approval ends the run with a pending Final.
    The run is one trace span ("agent.run"), its model calls ("llm.call") and tool calls ("tool.call") its children.
    """
    span = tracer().start_span("agent.run", attributes={"gen_ai.request.model": request.model.base_name})
    run.trace_context = trace.set_span_in_context(span)
    try:
        async with aclosing(_run_agent(request, run)) as events:
            async for event in events:
                if isinstance(event, Final) and not event.success:
                    span.set_status(StatusCode.ERROR, (event.agent_error or {}).get("message", "failed"))
                yield event
    finally:
        span.set_attribute("codemill.model_calls", len(run.calls))
        span.set_attribute("codemill.tool_calls", len(run.thoughts))
        span.end()


async def _run_agent(request: AgentRequest, run: AgentRun) -> AsyncGenerator[AgentEvent, None]:
    messages = list(request.messages)
    specs = [ToolSpec(t.name, t.description, t.parameters) for t in request.tools]
    tools = {t.name: t for t in request.tools}
    for _ in range(max(request.recursion_limit, 1)):
        calls = _unanswered_calls(messages)
        text = ""
        if not calls:
            completion: Completion | None = None
            async for event in _call_model(request, messages, specs, run):
                if isinstance(event, Final):
                    yield event
                    return
                if isinstance(event, Completion):
                    completion = event
                else:
                    yield event
            assert completion is not None  # _call_model ends with a Completion or a Final
            if not completion.tool_calls:
                run.answer = completion.text
                run.finished = True
                yield Final(completion.text)
                return
            messages.append(ChatMessage("assistant", completion.text, tool_calls=list(completion.tool_calls)))
            calls, text = list(completion.tool_calls), completion.text
        pending = _awaiting_approval(request, tools, calls)
        if pending is not None:
            run.messages = messages
            run.finished = True
            yield Final(text, pending=pending)
            return
        thoughts = [Thought(c.name, c.id, c.arguments) for c in calls]
        run.thoughts.extend(thoughts)
        for thought in thoughts:
            yield ThoughtUpdate(thought, thought.record())
        async with aclosing(_run_tools(request, tools, calls, thoughts, run)) as updates:
            async for update in updates:
                yield update
        for tool_call, thought in zip(calls, thoughts, strict=True):
            content = f"Error: {thought.output}" if thought.error else thought.output
            messages.append(ChatMessage("tool", content, tool_call_id=tool_call.id, name=tool_call.name))
    run.answer = "".join(run.text) or (
        f"I stopped after {request.recursion_limit} model calls without reaching an answer (recursion limit)."
    )
    run.finished = True
    yield Final(
        run.answer,
        success=False,
        agent_error={
            "error_code": "agent_internal_error",
            "message": f"Recursion limit of {request.recursion_limit} model calls reached",
        },
    )


async def _call_model(
    request: AgentRequest, messages: list[ChatMessage], specs: list[ToolSpec], run: AgentRun
) -> AsyncGenerator[AgentEvent | Completion, None]:
    """One model call: its chunks, then ModelCalled and the Completion (or a failed Final)."""
    completion: Completion | None = None
    run.text = []
    started = time.perf_counter()
    call_request = CompletionRequest(
        request.model, messages, specs, temperature=request.temperature, top_p=request.top_p
    )
    span = tracer().start_span(
        "llm.call",
        context=run.trace_context,
        attributes={"gen_ai.request.model": request.model.base_name, "gen_ai.system": request.provider.name},
    )
    try:
        async with aclosing(request.provider.stream(call_request)) as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    run.text.append(event.text)
                    yield Chunk(event.text)
                else:
                    completion = event
    except (asyncio.CancelledError, GeneratorExit):
        run.calls.append(_estimated_call(request, messages, run, started, "interrupted"))
        span.set_status(StatusCode.ERROR, "interrupted")
        span.end()
        raise
    except LLMError as exc:
        span.set_status(StatusCode.ERROR, exc.message)
        span.end()
        call = _estimated_call(request, messages, run, started, "error")
        run.calls.append(call)
        yield ModelCalled(call)
        run.answer = "".join(run.text) or exc.message
        run.finished = True
        yield Final(run.answer, success=False, agent_error={"error_code": exc.code, "message": exc.message})
        return
    if completion is None:
        completion = Completion("".join(run.text), [], _estimate(request, messages, run), "stop")
    call = ModelCall(request.model, request.provider.name, completion.usage, (time.perf_counter() - started) * 1000)
    span.set_attributes(
        {
            "gen_ai.usage.input_tokens": completion.usage.input_tokens,
            "gen_ai.usage.output_tokens": completion.usage.output_tokens,
            "codemill.tool_calls_requested": len(completion.tool_calls),
        }
    )
    span.end()
    run.calls.append(call)
    yield ModelCalled(call)
    yield completion


def _unanswered_calls(messages: list[ChatMessage]) -> list[ToolCall]:
    """The tool calls of the last assistant message when none of them has an answer yet (a resumed turn)."""
    if messages and messages[-1].role == "assistant" and messages[-1].tool_calls:
        return list(messages[-1].tool_calls)
    return []


def _awaiting_approval(request: AgentRequest, tools: dict[str, Tool], calls: list[ToolCall]) -> PendingToolCall | None:
    """The first call that must wait for the user's approval, if any (the batch runs once none waits)."""
    approvals = request.tool_context.approvals
    if approvals is None:
        return None
    for call in calls:
        tool = tools.get(call.name)
        if tool is None:
            continue
        try:
            args = _arguments(call.arguments)
        except ToolError:
            continue  # it fails without running anything
        if approvals.waiting(call.id, writes(tool, args)):
            return PendingToolCall(call.id, call.name, args)
    return None


async def _run_tools(
    request: AgentRequest, tools: dict[str, Tool], calls: list[ToolCall], thoughts: list[Thought], run: AgentRun
) -> AsyncGenerator[ThoughtUpdate, None]:
    """Run the calls concurrently; yield each thought as it ends. Cancelled: the tools are cancelled too."""
    tasks = [
        asyncio.create_task(_call_tool(request, tools.get(c.name), c, t, run.trace_context))
        for c, t in zip(calls, thoughts, strict=True)
    ]
    try:
        for next_done in asyncio.as_completed(tasks):
            thought = await next_done
            yield ThoughtUpdate(thought, thought.record())
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()


async def _call_tool(
    request: AgentRequest, tool: Tool | None, call: ToolCall, thought: Thought, trace_context: Context | None
) -> Thought:
    started = time.perf_counter()
    span = tracer().start_span("tool.call", context=trace_context, attributes={"gen_ai.tool.name": call.name})
    args: dict[str, Any] = {}
    approvals = request.tool_context.approvals
    try:
        if tool is None:
            raise ToolError(f"There is no tool named '{call.name}'.")
        args = _arguments(call.arguments)
        if approvals is not None and approvals.denied(call.id):
            thought.output = DENIED_MESSAGE
            return thought
        output = await asyncio.wait_for(tool.run(args, request.tool_context), request.tool_timeout_seconds)
        thought.output = _truncate(str(output), request.tool_output_max_tokens)
    except ToolError as exc:
        _fail(thought, exc.message, "tool_validation" if "argument" in exc.message.lower() else "tool_execution_failed")
    except asyncio.CancelledError:
        thought.interrupted = True
        thought.output = "Interrupted before the tool finished."
        raise
    except TimeoutError:
        _fail(thought, f"The tool did not finish within {request.tool_timeout_seconds:g} s.", "tool_timeout")
    except Exception as exc:
        log.exception("tool failed", extra={"tool": call.name})
        _fail(thought, f"The tool failed unexpectedly ({exc.__class__.__name__}).", "tool_execution_failed")
    finally:
        thought.in_progress = False
        thought.duration_ms = round((time.perf_counter() - started) * 1000, 3)
        denied = approvals is not None and approvals.denied(call.id)
        outcome = "denied" if denied else thought.status
        audited = (request.tool_context, call.name, args, outcome, len(thought.output), thought.duration_ms)
        span.set_attribute("codemill.tool.outcome", outcome)
        if thought.error:
            span.set_status(StatusCode.ERROR, thought.error_code or "error")
        span.end()
        if thought.interrupted:  # cancelled: no awaiting here, the log line alone
            audit_tool_call(*audited)
        else:
            await record_tool_call(*audited)
    return thought


def _fail(thought: Thought, message: str, code: str) -> None:
    thought.error = True
    thought.error_code = code
    thought.output = message


def _arguments(raw: str) -> dict[str, Any]:
    try:
        args = json.loads(raw or "{}")
    except json.JSONDecodeError as exc:
        raise ToolError(f"The tool arguments are not valid JSON: {exc.msg}.") from exc
    if not isinstance(args, dict):
        raise ToolError("The tool arguments must be a JSON object.")
    return args


def _truncate(output: str, limit: int) -> str:
    kept, total = truncate_to_tokens(output, limit)
    if total <= limit:
        return output
    return f"{kept}\n\n[Output truncated: {total} tokens, limit {limit}.]"


def _estimate(request: AgentRequest, messages: list[ChatMessage], run: AgentRun) -> Usage:
    return Usage(count_message_tokens(messages), count_tokens("".join(run.text)), estimated=True)


def _estimated_call(
    request: AgentRequest, messages: list[ChatMessage], run: AgentRun, started: float, status: str
) -> ModelCall:
    elapsed = (time.perf_counter() - started) * 1000
    return ModelCall(request.model, request.provider.name, _estimate(request, messages, run), elapsed, status)
