"""Codemill as an MCP server: MCP clients (the mcp SDK, CodeMie's codemie-mcp-assistants) use its assistants."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from codemie_sdk.models.assistant import AssistantCreateRequest
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from mcp import ClientSession, StdioServerParameters
from tests.conftest import TestUser, unique
from tests.support.server import LiveServer

REPO = Path(__file__).resolve().parents[2]
ASSISTANTS_VENV = REPO / ".venv-mcp-assistants"
ASSISTANTS_SERVER = ASSISTANTS_VENV / "bin" / "codemie-mcp-assistants"
ASSISTANTS_PACKAGES = ["codemie-mcp-assistants==0.2.0"]


def _assistant(user: TestUser, name: str) -> str:
    created = user.client.assistants.create(
        AssistantCreateRequest(
            name=name,
            description="Answers questions about release notes",
            system_prompt="You answer briefly.",
            project=user.email,
            llm_model_type="mock",
        )
    )
    assert created.assistant_id
    return str(created.assistant_id)


async def _tools_and_call(url: str, token: str, tool: str | None, message: str) -> tuple[list[str], str]:
    async with (
        httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http,
        streamable_http_client(f"{url}/v1/mcp", http_client=http) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        names = [t.name for t in (await session.list_tools()).tools]
        if tool is None:
            return names, ""
        result = await session.call_tool(tool, {"message": message})
        assert not result.isError, result
        text = result.content[0]
        assert text.type == "text"
        return names, text.text


async def test_an_mcp_client_lists_the_users_assistants_as_tools_and_calls_one(
    make_user: Callable[..., TestUser], live_server: LiveServer
) -> None:
    owner, stranger = make_user("mcp-owner"), make_user("mcp-stranger")
    name = unique("Release Notes")
    assistant_id = _assistant(owner, name)
    tool = "ask_" + name.lower().replace(" ", "_")

    names, answer = await _tools_and_call(live_server.url, owner.client.token, tool, "What changed in 2.0?")
    assert tool in names and "search_datasources" in names
    assert "I am the Codemill mock LLM" in answer and "What changed in 2.0?" in answer
    conversation_id = answer.rsplit("Conversation_Id: ", 1)[1].strip()
    history = owner.client.conversations.get_conversation(conversation_id).history
    assert [h.role for h in history] == ["User", "Assistant"]
    assert owner.client.conversations.get_conversation(conversation_id).initial_assistant_id == assistant_id

    stranger_names, _ = await _tools_and_call(live_server.url, stranger.client.token, None, "")
    assert tool not in stranger_names  # another user's private assistant is not offered


def test_the_mcp_endpoint_wants_a_token(live_server: LiveServer) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    refused = httpx.post(
        f"{live_server.url}/v1/mcp", json=body, headers={"Accept": "application/json, text/event-stream"}
    )
    assert refused.status_code == 401
    assert refused.json()["error"]["message"]


@pytest.fixture(scope="session")
def codemie_mcp_assistants() -> Path:
    """CodeMie's codemie-mcp-assistants in its own venv, as a user installs it."""
    if not ASSISTANTS_SERVER.is_file():
        with (REPO / ".venv-mcp-assistants.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not ASSISTANTS_SERVER.is_file():
                steps = [
                    [sys.executable, "-m", "venv", str(ASSISTANTS_VENV)],
                    [
                        str(ASSISTANTS_VENV / "bin" / "pip"),
                        "install",
                        "-q",
                        "--disable-pip-version-check",
                        *ASSISTANTS_PACKAGES,
                    ],
                ]
                for step in steps:
                    done = subprocess.run(step, capture_output=True, text=True, timeout=900)
                    if done.returncode != 0:
                        pytest.fail(f"Installing codemie-mcp-assistants failed: {done.stderr[-2000:]}", pytrace=False)
    return ASSISTANTS_SERVER


async def test_codemie_mcp_assistants_works_against_codemill(
    make_user: Callable[..., TestUser], live_server: LiveServer, codemie_mcp_assistants: Path
) -> None:
    user = make_user("mcp-codemie")
    name = unique("Helper")
    assistant_id = _assistant(user, name)
    env = {
        "CODEMIE_API_DOMAIN": live_server.url,
        "CODEMIE_AUTH_SERVER_URL": "http://127.0.0.1:1",
        "CODEMIE_AUTH_REALM_NAME": "codemill",
        "CODEMIE_USERNAME": user.email,
        "CODEMIE_PASSWORD": user.password,
        "CODEMIE_ASSISTANT_ID": assistant_id,
        "CODEMIE_VERIFY_SSL": "false",
    }
    params = StdioServerParameters(command=str(codemie_mcp_assistants), env=env)
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = [t.name for t in (await session.list_tools()).tools]
        expected = "ask_" + name.lower()
        assert tools == [expected]
        result = await session.call_tool(expected, {"message": "Hello from an IDE"})
    assert not result.isError, result
    text = result.content[0].text  # type: ignore[union-attr]
    assert text.startswith("Response: I am the Codemill mock LLM") and "Hello from an IDE" in text
