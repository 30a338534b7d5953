"""The built-in mock LLM: deterministic, streams word by word, and really uses the tools it is offered.

With tools it calls the most relevant one (a datasource search first) with the user's question, then
answers by quoting what came back. Without tools it says plainly that it is a mock and echoes the
question. It is a provider like any other: the agent loop does not know it is talking to a mock.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import AsyncGenerator
from typing import Any

from codemill.llm.provider import (
    ChatMessage,
    Completion,
    CompletionRequest,
    ProviderEvent,
    TextDelta,
    ToolCall,
    ToolSpec,
    Usage,
)
from codemill.llm.tokens import count_message_tokens, count_tokens

WORD = re.compile(r"\S+\s*|\s+")
TERM = re.compile(r"[a-z0-9]+")
# Words naming a datasource search: such tools are preferred, as the issue asks.
SEARCH_HINTS = ("search", "datasource", "knowledge", "retriev", "context", "index")
QUOTE_CHARS = 600

NO_TOOLS_ANSWER = (
    "I am the Codemill mock LLM: no model provider is configured, so I cannot really answer. You asked: {question}"
)


class MockProvider:
    """The mock model."""

    name = "mock"

    def __init__(self, token_delay_seconds: float = 0.0) -> None:
        self.token_delay = max(token_delay_seconds, 0.0)

    async def close(self) -> None:
        """Nothing to release."""

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[ProviderEvent, None]:
        """Answer, or ask for one tool call."""
        input_tokens = count_message_tokens(request.messages)
        tool_results = _trailing_tool_results(request.messages)
        question = _last_user_text(request.messages)
        if tool_results:
            answer = _answer_from_tools(question, tool_results)
        elif request.tools:
            tool = most_relevant_tool(request.tools, question)
            call = ToolCall(id=_call_id(question, tool.name), name=tool.name, arguments=_arguments(tool, question))
            usage = Usage(input_tokens, count_tokens(call.name) + count_tokens(call.arguments), estimated=True)
            yield Completion(text="", tool_calls=[call], usage=usage, finish_reason="tool_calls")
            return
        else:
            answer = NO_TOOLS_ANSWER.format(question=question)
        for word in WORD.findall(answer):
            if self.token_delay:
                await asyncio.sleep(self.token_delay)
            yield TextDelta(word)
        usage = Usage(input_tokens, count_tokens(answer), estimated=True)
        yield Completion(text=answer, tool_calls=[], usage=usage, finish_reason="stop")


def most_relevant_tool(tools: list[ToolSpec], question: str) -> ToolSpec:
    """A datasource search first; otherwise the tool sharing most words with the question (first on ties)."""
    words = set(TERM.findall(question.lower()))

    def score(item: tuple[int, ToolSpec]) -> tuple[int, int, int]:
        index, tool = item
        text = f"{tool.name} {tool.description}".lower()
        is_search = any(hint in tool.name.lower() for hint in SEARCH_HINTS)
        overlap = len(words & set(TERM.findall(text)))
        return (1 if is_search else 0, overlap, -index)

    return max(enumerate(tools), key=score)[1]


def _arguments(tool: ToolSpec, question: str) -> str:
    """Arguments for the tool: the question in its first string parameter, defaults elsewhere."""
    properties: dict[str, Any] = tool.parameters.get("properties") or {}
    required = list(tool.parameters.get("required") or [])
    args: dict[str, Any] = {}
    string_params = [name for name, schema in properties.items() if (schema or {}).get("type", "string") == "string"]
    target = next((name for name in required if name in string_params), string_params[0] if string_params else None)
    if target is not None:
        args[target] = question
    for name in required:
        if name in args:
            continue
        schema = properties.get(name) or {}
        if "default" in schema:
            args[name] = schema["default"]
        elif schema.get("enum"):
            args[name] = schema["enum"][0]
        else:
            args[name] = {"integer": 1, "number": 1, "boolean": False, "array": [], "object": {}}.get(
                str(schema.get("type")), question
            )
    return json.dumps(args, ensure_ascii=False)


def _call_id(question: str, tool: str) -> str:
    return "call_" + hashlib.sha256(f"{tool}:{question}".encode()).hexdigest()[:24]


def _last_user_text(messages: list[ChatMessage]) -> str:
    for message in reversed(messages):
        if message.role == "user":
            return message.content.strip()
    return ""


def _trailing_tool_results(messages: list[ChatMessage]) -> list[ChatMessage]:
    """The tool messages answering the model's last tool calls (empty when the user spoke last)."""
    results: list[ChatMessage] = []
    for message in reversed(messages):
        if message.role != "tool":
            break
        results.append(message)
    return list(reversed(results))


def _answer_from_tools(question: str, results: list[ChatMessage]) -> str:
    parts = [f'I am the Codemill mock LLM. To answer "{question}" I used my tools:']
    for result in results:
        output = result.content.strip()
        quoted = output if len(output) <= QUOTE_CHARS else output[:QUOTE_CHARS].rstrip() + " …"
        quoted = "\n".join(f"> {line}" for line in quoted.splitlines() or [""])
        parts.append(f"\n\nFrom `{result.name or 'tool'}`:\n{quoted}")
    parts.append(f"\n\nSources: {', '.join(f'`{r.name or "tool"}`' for r in results)}.")
    return "".join(parts)
