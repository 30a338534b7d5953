"""ONE contract every LLM provider keeps, run against the mock and against the OpenAI-compatible provider
talking to a real OpenAI-protocol server: streaming, tool calls, tool results, usage."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from codemill.llm.catalogue import CatalogueModel, mock_model
from codemill.llm.provider import (
    ChatMessage,
    Completion,
    CompletionRequest,
    LLMProvider,
    ProviderEvent,
    TextDelta,
    ToolSpec,
    complete,
)
from codemill.llm.providers.mock import MockProvider
from codemill.llm.providers.openai_compatible import Endpoint, OpenAICompatibleProvider
from tests.support.openai_server import OpenAIServer

CALCULATOR = ToolSpec(
    "calculator",
    "Evaluate an arithmetic expression.",
    {"type": "object", "properties": {"expression": {"type": "string"}}, "required": ["expression"]},
)
CLOCK = ToolSpec(
    "current_datetime", "Current date and time.", {"type": "object", "properties": {"timezone": {"type": "string"}}}
)
FAKE_MODEL = CatalogueModel(base_name="fake-gpt", api="openai")

Backend = tuple[LLMProvider, CatalogueModel]


@pytest.fixture(params=["mock", "openai_compatible"])
async def backend(request: pytest.FixtureRequest, fake_openai: OpenAIServer) -> AsyncIterator[Backend]:
    if request.param == "mock":
        yield MockProvider(), mock_model()
        return
    provider = OpenAICompatibleProvider(Endpoint(base_url=f"{fake_openai.url}/v1", api_key="sk-test", max_retries=0))
    yield provider, FAKE_MODEL
    await provider.close()


async def collect(provider: LLMProvider, request: CompletionRequest) -> list[ProviderEvent]:
    return [event async for event in provider.stream(request)]


def user(text: str) -> list[ChatMessage]:
    return [ChatMessage("system", "You are helpful."), ChatMessage("user", text)]


async def test_streams_text_then_one_completion(backend: Backend) -> None:
    provider, model = backend
    events = await collect(provider, CompletionRequest(model, user("hello there, provider")))
    deltas = [e for e in events if isinstance(e, TextDelta)]
    completions = [e for e in events if isinstance(e, Completion)]
    assert len(deltas) > 1, "the answer streams in pieces"
    assert len(completions) == 1 and events[-1] is completions[0]
    done = completions[0]
    assert done.text == "".join(d.text for d in deltas)
    assert "hello there, provider" in done.text
    assert done.tool_calls == []
    assert done.usage.input_tokens > 0 and done.usage.output_tokens > 0


async def test_asks_for_an_offered_tool_with_json_object_arguments(backend: Backend) -> None:
    provider, model = backend
    done = await complete(provider, CompletionRequest(model, user("What is 6 * 7?"), tools=[CALCULATOR]))
    assert len(done.tool_calls) >= 1
    call = done.tool_calls[0]
    assert call.name == "calculator" and call.id
    assert json.loads(call.arguments) == {"expression": "What is 6 * 7?"}
    assert done.usage.input_tokens > 0


async def test_answers_from_the_tool_result(backend: Backend) -> None:
    provider, model = backend
    first = await complete(provider, CompletionRequest(model, user("What is 6 * 7?"), tools=[CALCULATOR]))
    call = first.tool_calls[0]
    messages = [
        *user("What is 6 * 7?"),
        ChatMessage("assistant", first.text, tool_calls=[call]),
        ChatMessage("tool", "6 * 7 = 42", tool_call_id=call.id, name=call.name),
    ]
    events = await collect(provider, CompletionRequest(model, messages, tools=[CALCULATOR]))
    done = events[-1]
    assert isinstance(done, Completion)
    assert done.tool_calls == []
    assert "6 * 7 = 42" in done.text
    assert any(isinstance(e, TextDelta) for e in events)


async def test_closing_the_stream_early_is_clean(backend: Backend) -> None:
    provider, model = backend
    stream = provider.stream(CompletionRequest(model, user("one two three four five six")))
    first = await anext(stream)
    assert isinstance(first, TextDelta)
    await stream.aclose()
    # The provider still serves the next call.
    done = await complete(provider, CompletionRequest(model, user("again")))
    assert "again" in done.text


async def chosen(tools: list[ToolSpec], text: str) -> str:
    done = await complete(MockProvider(), CompletionRequest(mock_model(), user(text), tools=tools))
    return done.tool_calls[0].name


async def test_mock_prefers_a_datasource_search_then_the_most_relevant_tool() -> None:
    search = ToolSpec(
        "search_handbook",
        "Search the handbook datasource.",
        {"type": "object", "properties": {"query": {"type": "string"}}},
    )
    assert await chosen([CALCULATOR, CLOCK, search], "what time is it?") == "search_handbook"
    assert await chosen([CALCULATOR, CLOCK], "what is the current date and time?") == "current_datetime"
    assert await chosen([CLOCK, CALCULATOR], "evaluate this arithmetic expression: 2+2") == "calculator"


async def test_mock_without_tools_says_it_is_a_mock_and_echoes() -> None:
    done = await complete(MockProvider(), CompletionRequest(mock_model(), user("Where is the release checklist?")))
    assert "mock" in done.text.lower()
    assert "Where is the release checklist?" in done.text


async def test_mock_is_deterministic() -> None:
    request = CompletionRequest(mock_model(), user("same question"), tools=[CALCULATOR])
    first, second = await complete(MockProvider(), request), await complete(MockProvider(), request)
    assert first == second
