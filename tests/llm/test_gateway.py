"""The gateway: model names to catalogue entries, and each model to the provider that serves it."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr

from codemill.errors import BadRequest, Unavailable
from codemill.kit.outbound import OutboundClient
from codemill.llm.catalogue import Catalogue, CatalogueModel, Cost, mock_model
from codemill.llm.gateway import LLMGateway, ProviderCredentials
from codemill.llm.provider import ChatMessage, CompletionRequest, LLMError, Usage
from codemill.llm.providers.mock import MockProvider
from codemill.llm.providers.openai_compatible import OpenAICompatibleProvider
from codemill.llm.usage import ModelCall, cost_of
from codemill.settings import LLMSettings

GPT = CatalogueModel(base_name="gpt-4o-mini", api="openai", cost=Cost(input=0.15e-6, output=0.6e-6))
AZURE = CatalogueModel(base_name="gpt-4o", deployment_name="prod-gpt4o", api="azure", api_version="2024-06-01")


def gateway(outbound: OutboundClient | None = None, **settings: object) -> LLMGateway:
    catalogue = Catalogue([GPT, AZURE, mock_model()], [])
    return LLMGateway(LLMSettings(**settings), catalogue, outbound)  # type: ignore[arg-type]


async def test_models_by_name_and_unknown_names() -> None:
    llm = gateway(base_url="http://proxy.local/v1")
    assert llm.model("gpt-4o-mini") is GPT and llm.model("prod-gpt4o") is AZURE
    assert llm.model(None).base_name == "mock"  # the catalogue's default
    with pytest.raises(BadRequest) as unknown:
        llm.model("gpt-5-ultra")
    assert unknown.value.message == "Unknown model 'gpt-5-ultra'"
    assert unknown.value.details["available"] == ["gpt-4o-mini", "gpt-4o", "mock"]


async def test_providers_per_endpoint() -> None:
    llm = gateway(
        OutboundClient(allow_private=True),
        base_url="http://proxy.local/v1",
        api_key=SecretStr("sk-settings"),
        api_version="2024-10-21",
        mock_token_delay_ms=25,
    )
    try:
        mock = llm.provider_for(mock_model())
        assert isinstance(mock, MockProvider) and mock.token_delay == 0.025
        openai_provider = llm.provider_for(GPT)
        assert isinstance(openai_provider, OpenAICompatibleProvider)
        assert (
            openai_provider.endpoint.base_url == "http://proxy.local/v1"
            and openai_provider.endpoint.api_key == "sk-settings"
        )
        assert llm.provider_for(GPT) is openai_provider  # built once
        azure = llm.provider_for(AZURE)
        assert isinstance(azure, OpenAICompatibleProvider) and azure.endpoint.azure
        assert azure.endpoint.api_version == "2024-06-01" and azure.name == "azure_openai"
        lent = llm.provider_for(GPT, ProviderCredentials(base_url="http://team-proxy.local/v1", api_key="sk-team"))
        assert isinstance(lent, OpenAICompatibleProvider) and lent is not openai_provider
        assert lent.endpoint.base_url == "http://team-proxy.local/v1" and lent.endpoint.api_key == "sk-team"
        assert lent.endpoint.guarded and not openai_provider.endpoint.guarded  # the user's URL goes through the guard
    finally:
        await llm.close()


async def test_a_real_model_without_an_endpoint_is_unavailable() -> None:
    llm = gateway()
    with pytest.raises(Unavailable) as missing:
        llm.provider_for(GPT)
    assert "no provider configured" in missing.value.message


def test_cost_comes_from_the_catalogue() -> None:
    assert cost_of(GPT, 1_000_000, 1_000_000) == pytest.approx(0.75)
    call = ModelCall(GPT, "openai", Usage(2000, 500), 12.5)
    assert call.cost == pytest.approx(2000 * 0.15e-6 + 500 * 0.6e-6)


async def test_an_integrations_private_address_is_refused_before_any_request() -> None:
    """A user's LLM integration may not point the server at its own network (SSRF): the guard refuses it."""
    hits: list[str] = []

    async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        hits.append((await reader.readline()).decode())
        writer.close()

    server = await asyncio.start_server(upstream, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    llm = gateway(OutboundClient(allow_private=False), base_url="http://proxy.local/v1")
    try:
        provider = llm.provider_for(GPT, ProviderCredentials(base_url=f"http://127.0.0.1:{port}/v1", api_key="k"))
        request = CompletionRequest(model=GPT, messages=[ChatMessage("user", "hi")])
        with pytest.raises(LLMError) as refused:
            async for _ in provider.stream(request):
                pass
        assert "not allowed" in refused.value.message and "127.0.0.1" in refused.value.message
        assert hits == []
        with pytest.raises(Unavailable):  # without a guard, a user's URL is not served at all
            gateway(base_url="http://proxy.local/v1").provider_for(GPT, ProviderCredentials(base_url="http://x/v1"))
    finally:
        await llm.close()
        server.close()
