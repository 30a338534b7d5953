"""MCP servers on assistants: the model calls their tools through `codemill serve`'s own MCP Connect."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import httpx
from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration, IntegrationType

from tests.conftest import TestUser, unique
from tests.mcp.support import WORKBENCH, WorkbenchHTTP
from tests.plugins.live import records, server_http
from tests.plugins.scripted_model import ANSWER_HEADER, ScriptedModelServer
from tests.support.server import LiveServer

SECRET = "mcp-env-secret-0f9e8d7c6b5a"


def _assistant(http: httpx.Client, user: TestUser, servers: list[dict[str, Any]]) -> str:
    body = {
        "name": unique("mcp-assistant"),
        "description": "Uses MCP servers",
        "system_prompt": "You use tools.",
        "project": user.email,
        "llm_model_type": "scripted",
        "mcp_servers": servers,
    }
    created = http.post("/v1/assistants", json=body)
    assert created.status_code == 200, created.text
    return str(created.json()["assistantId"])


def _chat(http: httpx.Client, assistant_id: str, text: str, conversation_id: str) -> list[dict[str, Any]]:
    body = {"text": text, "stream": True, "conversationId": conversation_id}
    response = http.post(f"/v1/assistants/{assistant_id}/model", json=body, timeout=120)
    assert response.status_code == 200, response.text
    return records(response.text)


def _ended(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r["thought"] for r in lines if r["thought"] and not r["thought"]["in_progress"]]


def _mcp_integration(user: TestUser) -> str:
    created = user.client.integrations.create(
        Integration(
            project_name=user.email,
            alias=unique("workbench-env"),
            credential_type=CredentialTypes.MCP,
            credential_values=[CredentialValues(key="API_TOKEN", value=SECRET)],
            setting_type=IntegrationType.USER,
        )
    )
    found = [i for i in user.client.integrations.list(setting_type=IntegrationType.USER) if i.credential_type == "MCP"]
    assert found, created
    return str(found[0].id)


def test_a_stdio_server_tool_runs_in_the_chat_with_env_from_an_integration(
    make_user: Callable[..., TestUser], mcp_server: LiveServer, scripted: ScriptedModelServer
) -> None:
    user = make_user("mcp-stdio")
    integration_id = _mcp_integration(user)
    server = {
        "name": "workbench",
        "config": {"command": "python", "args": WORKBENCH},
        "settings": {"id": integration_id, "credential_type": "MCP"},
        "tools": ["count_words", "env_fingerprint"],
    }
    scripted.script.plan = [("count_words", {"text": "hello mcp world"}), ("env_fingerprint", {"name": "API_TOKEN"})]
    with server_http(mcp_server.url, user) as http:
        assistant_id = _assistant(http, user, [server])
        lines = _chat(http, assistant_id, "Count my words", unique("mcp-conv"))
        shown = http.get(f"/v1/assistants/{assistant_id}").text

    ended = _ended(lines)
    assert [(t["metadata"]["tool_name"], t["error"]) for t in ended] == [
        ("count_words", False),
        ("env_fingerprint", False),
    ]
    assert ended[0]["message"].startswith("'hello mcp world' has 3 words")
    fingerprint = hashlib.sha256(SECRET.encode()).hexdigest()[:16]
    assert ended[1]["message"] == f"API_TOKEN fingerprint {fingerprint}"
    final = lines[-1]
    assert final["last"] is True and final["generated"].startswith(ANSWER_HEADER)
    assert "has 3 words" in final["generated"] and fingerprint in final["generated"]
    # Only the tools the entry allows were offered.
    offered = {t["function"]["name"] for t in scripted.script.requests[-1]["tools"]}
    assert offered == {"count_words", "env_fingerprint"}
    for text in (str(lines), shown, mcp_server.log()):
        assert SECRET not in text


def test_a_streamable_http_server_tool_runs_in_the_chat(
    make_user: Callable[..., TestUser],
    mcp_server: LiveServer,
    scripted: ScriptedModelServer,
    http_workbench: WorkbenchHTTP,
) -> None:
    user = make_user("mcp-http")
    server = {"name": "remote", "config": {"url": http_workbench.endpoint, "type": "streamable-http"}}
    scripted.script.plan = [("count_words", {"text": "over http"})]
    with server_http(mcp_server.url, user) as http:
        assistant_id = _assistant(http, user, [server])
        lines = _chat(http, assistant_id, "Count", unique("mcp-conv"))
    ended = _ended(lines)
    assert [(t["metadata"]["tool_name"], t["error"]) for t in ended] == [("count_words", False)]
    assert ended[0]["message"].startswith("'over http' has 2 words")
    assert "'over http' has 2 words" in lines[-1]["generated"]


def test_a_crashing_server_is_a_tool_error_and_the_chat_goes_on(
    make_user: Callable[..., TestUser], mcp_server: LiveServer, scripted: ScriptedModelServer
) -> None:
    user = make_user("mcp-crash")
    server = {"name": "workbench", "config": {"command": "python", "args": WORKBENCH}}
    conversation = unique("mcp-conv")
    with server_http(mcp_server.url, user) as http:
        assistant_id = _assistant(http, user, [server])
        scripted.script.plan = [("crash", {})]
        lines = _chat(http, assistant_id, "Crash it", conversation)
        ended = _ended(lines)
        assert len(ended) == 1 and ended[0]["error"] is True
        assert "MCP server 'workbench'" in ended[0]["message"] and "closed the connection" in ended[0]["message"]
        assert lines[-1]["last"] is True and lines[-1]["success"] is True
        assert lines[-1]["tool_errors"] and lines[-1]["tool_errors"][0]["tool_name"] == "crash"

        scripted.script.plan = [("count_words", {"text": "still here"})]
        again = _ended(_chat(http, assistant_id, "And now?", conversation))
    assert [(t["metadata"]["tool_name"], t["error"]) for t in again] == [("count_words", False)]
    assert again[0]["message"].startswith("'still here' has 2 words")


def test_mcp_tools_lists_a_server_and_the_test_refuses_a_command_off_the_allow_list(
    make_user: Callable[..., TestUser], mcp_server: LiveServer
) -> None:
    user = make_user("mcp-tools")
    with server_http(mcp_server.url, user) as http:
        listed = http.post(
            "/v1/assistants/mcp_tools", json={"name": "workbench", "config": {"command": "python", "args": WORKBENCH}}
        )
        assert listed.status_code == 200, listed.text
        assert listed.json()[0]["toolkit"] == "workbench"
        assert "count_words" in {t["name"] for t in listed.json()[0]["tools"]}

        ok = http.post(
            "/v1/assistants/mcp/test",
            json={
                "mcp_server": {
                    "name": "time",
                    "config": {"command": "python", "args": ["-m", "codemill.mcp.servers.time"]},
                }
            },
        )
        assert ok.status_code == 200 and ok.json()["success"] is True, ok.text

        refused = http.post(
            "/v1/assistants/mcp/test",
            json={"mcp_server": {"name": "shell", "config": {"command": "bash", "args": ["-c", "id"]}}},
        )
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["message"] == "Cannot test specified mcp server"
    assert "The command 'bash' is not on the MCP Connect allow-list" in error["details"]


def test_a_catalogue_entry_and_an_integration_by_alias(
    make_user: Callable[..., TestUser], mcp_server: LiveServer, scripted: ScriptedModelServer
) -> None:
    user = make_user("mcp-catalogue")
    alias = unique("bench-env")
    user.client.integrations.create(
        Integration(
            project_name=user.email,
            alias=alias,
            credential_type=CredentialTypes.MCP,
            credential_values=[CredentialValues(key="API_TOKEN", value=SECRET)],
            setting_type=IntegrationType.USER,
        )
    )
    servers = [
        {"name": "time", "mcp_config_id": "system-codemill-time"},
        {"name": "workbench", "config": {"command": "python", "args": WORKBENCH}, "integration_alias": alias},
    ]
    scripted.script.plan = [("current_time", {"timezone": "UTC"}), ("env_fingerprint", {"name": "API_TOKEN"})]
    with server_http(mcp_server.url, user) as http:
        assistant_id = _assistant(http, user, servers)
        ended = _ended(_chat(http, assistant_id, "What time is it?", unique("mcp-conv")))
    assert [(t["metadata"]["tool_name"], t["error"]) for t in ended] == [
        ("current_time", False),
        ("env_fingerprint", False),
    ]
    assert ended[0]["message"].endswith("+00:00") and ended[0]["message"][:2] == "20"
    assert ended[1]["message"] == f"API_TOKEN fingerprint {hashlib.sha256(SECRET.encode()).hexdigest()[:16]}"
