"""A live Codemill whose model follows a script and whose own MCP Connect may run the test servers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.mcp.support import TEST_ALLOW_LIST, WorkbenchHTTP
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.server import LiveServer, start_server


@pytest.fixture(scope="package")
def scripted() -> Iterator[ScriptedModelServer]:
    server = ScriptedModelServer()
    yield server
    server.close()


@pytest.fixture(scope="package")
def http_workbench() -> Iterator[WorkbenchHTTP]:
    server = WorkbenchHTTP("streamable-http")
    yield server
    server.close()


@pytest.fixture(scope="package")
def mcp_server(
    server_env: dict[str, str],
    scripted: ScriptedModelServer,
    artifacts_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """`codemill serve` (it starts its own MCP Connect) on the scripted model, with the tests' servers allowed."""
    catalogue = tmp_path_factory.mktemp("mcp-catalogue") / "models.yaml"
    catalogue.write_text(
        yaml.safe_dump(
            {
                "llm_models": [
                    {"base_name": "scripted", "label": "Scripted", "api": "openai", "default": True},
                    {"base_name": "mock", "api": "mock", "provider": "codemill"},
                ]
            }
        )
    )
    env = {
        **server_env,
        "CODEMILL_LLM__BASE_URL": f"{scripted.url}/v1",
        "CODEMILL_LLM__API_KEY": "sk-scripted",
        "CODEMILL_LLM__CATALOGUE": str(catalogue),
        "CODEMILL_LOG_LEVEL": "DEBUG",
        "CODEMILL_MCP_CONNECT__ALLOWED_COMMANDS": TEST_ALLOW_LIST,
        "CODEMILL_MCP_CONNECT__CALL_TIMEOUT_SECONDS": "10",
        # Workflow runs on this server stay on its own queue (the session's other servers have no MCP tools).
        "CODEMILL_JOBS__QUEUE": f"mcp-{uuid.uuid4().hex[:6]}",
    }
    server = start_server(env, artifacts_dir / "logs" / "mcp-server.log")
    yield server
    server.stop()
