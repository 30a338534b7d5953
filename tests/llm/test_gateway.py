"""The gateway: model names to catalogue entries, and each model to the provider that serves it."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from codemill.errors import BadRequest, Unavailable
from codemill.llm.catalogue import Catalogue, CatalogueModel, Cost, mock_model
from codemill.llm.gateway import LLMGateway, ProviderCredentials
from codemill.llm.provider import Usage
from codemill.llm.providers.mock import MockProvider
from codemill.llm.providers.openai_compatible import OpenAICompatibleProvider
from codemill.llm.usage import ModelCall, cost_of
from codemill.settings import LLMSettings

GPT = CatalogueModel(base_name="gpt-4o-mini", api="openai", cost=Cost(input=0.15e-6, output=0.6e-6))
AZURE = CatalogueModel(base_name="gpt-4o", deployment_name="prod-gpt4o", api="azure", api_version="2024-06-01")


def gateway(**settings: object) -> LLMGateway:
    return LLMGateway(LLMSettings(**settings), Catalogue([GPT, AZURE, mock_model()], []))  # type: ignore[arg-type]


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
