"""The LLM gateway: picks the catalogue model and the provider that serves it, with its credentials."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from codemill.errors import BadRequest, Unavailable
from codemill.kit.outbound import OutboundClient
from codemill.llm.catalogue import Catalogue, CatalogueModel
from codemill.llm.provider import LLMProvider
from codemill.llm.providers.mock import MockProvider
from codemill.settings import LLMSettings

if TYPE_CHECKING:
    from codemill.llm.providers.openai_compatible import Endpoint, OpenAICompatibleProvider


@dataclass(frozen=True, slots=True)
class ProviderCredentials:
    """Credentials from an LLM integration; they override the settings' endpoint and key."""

    base_url: str | None = None
    api_key: str | None = None
    api_version: str | None = None


class LLMGateway:
    """Models by name and one provider per endpoint, built once and shared."""

    def __init__(self, settings: LLMSettings, catalogue: Catalogue, outbound: OutboundClient | None = None) -> None:
        self.settings = settings
        self.catalogue = catalogue
        # The SSRF guard for endpoints from users' LLM integrations (None: such endpoints are refused).
        self.outbound = outbound
        self.mock = MockProvider(settings.mock_token_delay_ms / 1000.0)
        self._providers: dict[Endpoint, OpenAICompatibleProvider] = {}

    def model(self, name: str | None) -> CatalogueModel:
        """A chat model by name (the default when empty); 400 naming the field when unknown."""
        model = self.catalogue.llm(name)
        if model is None:
            available = [m.base_name for m in self.catalogue.llm_models]
            raise BadRequest(
                f"Unknown model '{name}'" if name else "No chat model is configured",
                details={"llm_model": name, "available": available},
                help="Pick one of the models GET /v1/llm_models lists.",
            )
        return model

    def provider_for(self, model: CatalogueModel, credentials: ProviderCredentials | None = None) -> LLMProvider:
        """The provider serving a model."""
        if model.api == "mock":
            return self.mock
        creds = credentials or ProviderCredentials()
        base_url = creds.base_url or model.base_url or self.settings.base_url
        if not base_url:
            raise Unavailable(
                f"Model '{model.base_name}' has no provider configured",
                help="Set CODEMILL_LLM__BASE_URL or add an LLM integration to the project.",
            )
        key = creds.api_key or (self.settings.api_key.get_secret_value() if self.settings.api_key else None)
        # The openai library loads with the first real provider: a process on the mock model never needs it.
        from codemill.llm.providers.openai_compatible import Endpoint, OpenAICompatibleProvider

        endpoint = Endpoint(
            base_url=base_url,
            api_key=key,
            azure=model.api == "azure",
            api_version=creds.api_version or model.api_version or self.settings.api_version,
            timeout_seconds=self.settings.timeout_seconds,
            max_retries=self.settings.max_retries,
            # An integration's URL is the user's choice: guarded. The catalogue's and settings' are the admin's.
            guarded=bool(creds.base_url),
        )
        provider = self._providers.get(endpoint)
        if provider is None:
            if endpoint.guarded and self.outbound is None:
                raise Unavailable("LLM integrations with their own URL are not available in this process")
            provider = self._providers[endpoint] = OpenAICompatibleProvider(endpoint, self.outbound)
        return provider

    async def close(self) -> None:
        """Close every provider's connections."""
        for provider in self._providers.values():
            await provider.close()
        self._providers.clear()
