"""A second live server whose models are served by a real OpenAI-protocol server (the fake provider)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import USER_PASSWORD, TestUser, sdk_client
from tests.support.openai_server import OpenAIServer
from tests.support.server import LiveServer, start_server

FAKE_COST = {"input": 0.000001, "output": 0.000002}


@dataclass
class ProviderBackedServer:
    """Codemill configured with an OpenAI-compatible provider, and that provider."""

    codemill: LiveServer
    provider: OpenAIServer


@pytest.fixture(scope="session")
def provider_backed(
    server_env: dict[str, str], artifacts_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProviderBackedServer]:
    provider = OpenAIServer()
    catalogue = tmp_path_factory.mktemp("catalogue") / "models.yaml"
    catalogue.write_text(
        yaml.safe_dump(
            {
                "llm_models": [
                    {"base_name": "fake-gpt", "label": "Fake GPT", "api": "openai", "default": True, "cost": FAKE_COST},
                    {"base_name": "mock", "api": "mock", "provider": "codemill"},
                ]
            }
        )
    )
    env = {
        **server_env,
        "CODEMILL_LLM__BASE_URL": f"{provider.url}/v1",
        "CODEMILL_LLM__API_KEY": "sk-codemill-test",
        "CODEMILL_LLM__CATALOGUE": str(catalogue),
        "CODEMILL_LLM__MAX_RETRIES": "2",
    }
    server = start_server(env, artifacts_dir / "logs" / "provider-backed-server.log")
    yield ProviderBackedServer(server, provider)
    server.stop()
    provider.close()


@pytest.fixture
def backed(provider_backed: ProviderBackedServer) -> Iterator[ProviderBackedServer]:
    """The provider-backed server with a clean provider script."""
    provider_backed.provider.script.reset()
    yield provider_backed
    provider_backed.provider.script.reset()


@pytest.fixture
def on_backed(backed: ProviderBackedServer) -> Iterator[Callable[[TestUser], TestUser]]:
    """The same user, talking to the provider-backed server (its connections closed after the test)."""
    made: list[httpx.Client] = []

    def switch(user: TestUser) -> TestUser:
        client = sdk_client(backed.codemill, user.email, USER_PASSWORD)
        http = httpx.Client(
            base_url=backed.codemill.url, headers={"Authorization": f"Bearer {client.token}"}, timeout=30
        )
        made.append(http)
        return TestUser(user.id, user.email, user.password, client, http)

    yield switch
    for http in made:
        http.close()
