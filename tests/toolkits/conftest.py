"""Toolkit tests: a replica of the session's server whose model follows a script, and SaaS stand-ins."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.server import LiveServer, start_server
from tests.toolkits.atlassian_rest import AtlassianRest
from tests.toolkits.search_rest import SearchProvider

JIRA_USER, JIRA_TOKEN = "ann@example.com", "jira-api-token-7"
FILE_LIMIT = 300_000
SEARCH_KEY = "tvly-test-key-42"
JIRA_AUTH = "Basic " + base64.b64encode(f"{JIRA_USER}:{JIRA_TOKEN}".encode()).decode()


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedModelServer]:
    server = ScriptedModelServer()
    yield server
    server.close()


def _catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalogue = tmp_path_factory.mktemp("toolkit-catalogue") / "models.yaml"
    catalogue.write_text(
        yaml.safe_dump(
            {
                "llm_models": [
                    {
                        "base_name": "scripted",
                        "label": "Scripted",
                        "api": "openai",
                        "default": True,
                        "features": {"vision": True},
                    },
                    {"base_name": "mock", "api": "mock", "provider": "codemill"},
                ]
            }
        )
    )
    return catalogue


@pytest.fixture(scope="module")
def search_provider() -> Iterator[SearchProvider]:
    server = SearchProvider(SEARCH_KEY)
    yield server
    server.close()


@pytest.fixture(scope="module")
def scripted_server(
    server_env: dict[str, str],
    scripted: ScriptedModelServer,
    search_provider: SearchProvider,
    artifacts_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """Another replica of the session (same database) whose model follows the script; private networks
    allowed, since the SaaS stand-ins run on loopback."""
    env = {
        **server_env,
        "CODEMILL_LLM__BASE_URL": f"{scripted.url}/v1",
        "CODEMILL_LLM__API_KEY": "sk-scripted",
        "CODEMILL_LLM__CATALOGUE": str(_catalogue(tmp_path_factory)),
        # Small enough for a test to pass it (the default is 25 MiB).
        "CODEMILL_FILES__MAX_FILE_BYTES": str(FILE_LIMIT),
        # A web search provider key: the web_search tool exists on this replica only.
        "CODEMILL_WEB_SEARCH__URL": f"{search_provider.url}/search",
        "CODEMILL_WEB_SEARCH__API_KEY": SEARCH_KEY,
    }
    server = start_server(env, artifacts_dir / "logs" / "toolkits-scripted-server.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def guarded_scripted_server(
    server_env: dict[str, str], scripted_server: LiveServer, artifacts_dir: Path
) -> Iterator[LiveServer]:
    """The scripted replica's settings with private networks refused (the default outside tests)."""
    env = {**scripted_server.env, "CODEMILL_ALLOW_PRIVATE_NETWORK": "false"}
    server = start_server(env, artifacts_dir / "logs" / "toolkits-guarded-server.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def atlassian() -> Iterator[AtlassianRest]:
    server = AtlassianRest(JIRA_AUTH)
    yield server
    server.close()
