"""The OpenAI-compatible provider against a real OpenAI-protocol server: retries, errors, Azure, cancellation."""

from __future__ import annotations

import asyncio

import pytest

from codemill.kit.outbound import OutboundClient
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.provider import ChatMessage, CompletionRequest, LLMError, TextDelta, complete
from codemill.llm.providers.openai_compatible import Endpoint, OpenAICompatibleProvider, env_proxy
from tests.support.openai_server import OpenAIServer

MODEL = CatalogueModel(base_name="fake-gpt", api="openai")


def ask(text: str, model: CatalogueModel = MODEL) -> CompletionRequest:
    return CompletionRequest(model, [ChatMessage("user", text)])


def provider_for(server: OpenAIServer, **endpoint: object) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(Endpoint(base_url=f"{server.url}/v1", api_key="sk-test", **endpoint))  # type: ignore[arg-type]


async def test_429_then_200_is_retried(fake_openai: OpenAIServer) -> None:
    provider = provider_for(fake_openai, max_retries=3)
    fake_openai.script.fail_next(429)
    try:
        done = await complete(provider, ask("retry me"))
    finally:
        await provider.close()
    assert done.text == "Echo: retry me"
    assert len(fake_openai.script.requests) == 2


async def test_5xx_is_retried_too(fake_openai: OpenAIServer) -> None:
    provider = provider_for(fake_openai, max_retries=3)
    fake_openai.script.fail_next(503, 500)
    try:
        done = await complete(provider, ask("still there?"))
    finally:
        await provider.close()
    assert done.text == "Echo: still there?"
    assert len(fake_openai.script.requests) == 3


async def test_persistent_rate_limit_becomes_a_clear_error(fake_openai: OpenAIServer) -> None:
    provider = provider_for(fake_openai, max_retries=1)
    fake_openai.script.fail_next(429, 429)
    try:
        with pytest.raises(LLMError) as failure:
            await complete(provider, ask("no luck"))
    finally:
        await provider.close()
    assert failure.value.code == "llm_rate_limited"
    assert "rate limiting" in failure.value.message
    assert len(fake_openai.script.requests) == 2


async def test_bad_request_is_not_retried(fake_openai: OpenAIServer) -> None:
    provider = provider_for(fake_openai, max_retries=3)
    fake_openai.script.fail_next(400)
    try:
        with pytest.raises(LLMError) as failure:
            await complete(provider, ask("bad"))
    finally:
        await provider.close()
    assert failure.value.code == "llm_invalid_request" and failure.value.status == 400
    assert "scripted failure 400" in failure.value.message
    assert len(fake_openai.script.requests) == 1


async def test_unreachable_provider_is_a_clear_error() -> None:
    provider = OpenAICompatibleProvider(Endpoint(base_url="http://127.0.0.1:9/v1", max_retries=0, timeout_seconds=2))
    try:
        with pytest.raises(LLMError) as failure:
            await complete(provider, ask("anyone?"))
    finally:
        await provider.close()
    assert failure.value.code == "llm_unavailable"


async def test_azure_deployment_and_api_version(fake_openai: OpenAIServer) -> None:
    model = CatalogueModel(base_name="gpt-4o", deployment_name="prod-gpt4o", api="azure")
    provider = OpenAICompatibleProvider(
        Endpoint(base_url=fake_openai.url, api_key="azure-key", azure=True, api_version="2024-10-21", max_retries=0)
    )
    try:
        done = await complete(provider, ask("hello azure", model))
    finally:
        await provider.close()
    assert done.text == "Echo: hello azure"
    seen = fake_openai.script.requests[-1]
    assert seen.path == "/openai/deployments/prod-gpt4o/chat/completions"
    assert seen.query["api-version"] == "2024-10-21"
    assert seen.headers["api-key"] == "azure-key"


async def test_parameters_reach_the_provider(fake_openai: OpenAIServer) -> None:
    provider = provider_for(fake_openai, max_retries=0)
    request = CompletionRequest(MODEL, [ChatMessage("user", "hi")], temperature=0.2, top_p=0.5, max_tokens=64)
    try:
        await complete(provider, request)
    finally:
        await provider.close()
    body = fake_openai.script.requests[-1].body
    assert body["model"] == "fake-gpt" and body["stream"] is True
    assert body["temperature"] == 0.2 and body["top_p"] == 0.5 and body["max_tokens"] == 64
    assert fake_openai.script.requests[-1].headers["authorization"] == "Bearer sk-test"


async def test_missing_usage_is_estimated(fake_openai: OpenAIServer) -> None:
    provider = provider_for(fake_openai, max_retries=0)
    fake_openai.script.include_usage = False
    try:
        done = await complete(provider, ask("count me"))
    finally:
        fake_openai.script.include_usage = True
        await provider.close()
    assert done.usage.estimated and done.usage.input_tokens > 0 and done.usage.output_tokens > 0


async def test_cancelling_the_consumer_cancels_the_upstream_request(fake_openai: OpenAIServer) -> None:
    provider = provider_for(fake_openai, max_retries=0)
    fake_openai.script.chunk_delay = 0.2
    words = " ".join(f"word{i}" for i in range(50))

    first_delta = asyncio.Event()

    async def consume() -> None:
        async for event in provider.stream(ask(words)):
            assert isinstance(event, TextDelta)
            first_delta.set()

    task = asyncio.create_task(consume())
    try:
        await asyncio.to_thread(fake_openai.script.streaming_started.wait, 10)
        await asyncio.wait_for(first_delta.wait(), 10)  # mid-stream: the consumer has text, more is coming
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await asyncio.to_thread(fake_openai.script.disconnected.wait, 10), "the upstream request was not closed"
    finally:
        await provider.close()
    assert fake_openai.script.disconnects == 1


def test_the_environments_proxy_is_found_once_per_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1,.internal")
    for name in ("https_proxy", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert env_proxy("https://api.openai.com/v1") == "http://proxy.corp:3128"
    assert env_proxy("http://api.openai.com/v1") is None  # no HTTP_PROXY set
    assert env_proxy("http://127.0.0.1:4000/v1") is None and env_proxy("https://llm.internal/v1") is None
    guarded = OpenAICompatibleProvider(
        Endpoint(base_url="https://api.openai.com/v1", guarded=True), OutboundClient(allow_private=False)
    )
    assert guarded._proxy is None  # a guarded endpoint never goes through a proxy (it would connect by name)
    assert OpenAICompatibleProvider(Endpoint(base_url="https://api.openai.com/v1"))._proxy == "http://proxy.corp:3128"
