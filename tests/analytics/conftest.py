"""A live server whose mock model has prices (so spending is not zero), with users made on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from codemie_sdk import CodeMieClient

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, TestUser, sdk_client, unique
from tests.support.server import LiveServer, start_server

# USD per token: a mock turn of ~100 tokens costs about a tenth of a cent.
MOCK_COST = {"input": 0.00001, "output": 0.00002}


@pytest.fixture(scope="session")
def priced(
    server_env: dict[str, str], artifacts_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    catalogue = tmp_path_factory.mktemp("priced") / "models.yaml"
    catalogue.write_text(
        yaml.safe_dump(
            {
                "llm_models": [
                    {"base_name": "mock", "api": "mock", "provider": "codemill", "default": True, "cost": MOCK_COST}
                ]
            }
        )
    )
    # A stand-in built UI, so the SPA catch-all is mounted and /metrics must win over it.
    ui = tmp_path_factory.mktemp("priced-ui")
    (ui / "index.html").write_text("<!doctype html><title>codemill ui</title>")
    env = {**server_env, "CODEMILL_LLM__CATALOGUE": str(catalogue), "CODEMILL_UI_DIR": str(ui)}
    server = start_server(env, artifacts_dir / "logs" / "priced-server.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def priced_admin(priced: LiveServer) -> CodeMieClient:
    return sdk_client(priced, ADMIN_EMAIL, ADMIN_PASSWORD)


@pytest.fixture
def priced_admin_http(priced: LiveServer, priced_admin: CodeMieClient) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=priced.url, headers={"Authorization": f"Bearer {priced_admin.token}"}, timeout=60) as c:
        yield c


@pytest.fixture
def priced_user(priced: LiveServer, priced_admin: CodeMieClient) -> Iterator[Callable[[str], TestUser]]:
    """Users made through the admin API of the priced server, each logged in (SDK and raw HTTP)."""
    made: list[TestUser] = []

    def factory(prefix: str = "analytics") -> TestUser:
        email = f"{unique(prefix)}@example.com"
        detail = priced_admin.admin.create_local_user(email=email, username=email, password=USER_PASSWORD)
        client = sdk_client(priced, email, USER_PASSWORD)
        http = httpx.Client(base_url=priced.url, headers={"Authorization": f"Bearer {client.token}"}, timeout=60)
        user = TestUser(detail.id, email, USER_PASSWORD, client, http)
        made.append(user)
        return user

    yield factory
    for user in made:
        user.http.close()
