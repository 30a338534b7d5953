"""End to end: a plugin key from the API, the real `codemie-plugins` CLI on the user's "machine" (a tmp
dir), and an assistant with the Plugin toolkit using it during a chat on a live server."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from codemill.plugins import NatsCredentials
from tests.conftest import TestUser
from tests.support.server import LiveServer, start_server
from tests.support.waiting import wait_until

from .conftest import running_cli
from .live import (
    create_plugin_key,
    plugin_assistant,
    records,
    server_http,
    wait_for_plugin_tools,
    workspace_in,
)
from .scripted_model import ANSWER_HEADER, ScriptedModelServer

pytestmark = pytest.mark.slow

LIST = "_list_files_in_directory"
READ = "_read_file_from_file_system"
RUN = "_run_command_line_tool"


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedModelServer]:
    server = ScriptedModelServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def scripted_server(
    server_env: dict[str, str],
    scripted: ScriptedModelServer,
    artifacts_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """Another replica of the session (same database, same NATS) whose model follows a script."""
    catalogue = tmp_path_factory.mktemp("plugin-catalogue") / "models.yaml"
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
    }
    server = start_server(env, artifacts_dir / "logs" / "plugins-scripted-server.log")
    yield server
    server.stop()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return workspace_in(tmp_path)


@pytest.fixture
def user_with_plugin(
    make_user: Callable[..., TestUser], plugins_cli: Path, workspace: Path
) -> Iterator[tuple[TestUser, dict[str, object], subprocess.Popen[bytes]]]:
    """A user, their plugin key (made through the SDK), and the CLI running with it on the workspace."""
    user = make_user("plugin-owner")
    created = create_plugin_key(user)
    url, key = str(created["plugin_engine_uri"]), str(created["plugin_key"])
    with running_cli(plugins_cli, url, key, workspace, workspace.parent / "home") as cli:
        yield user, created, cli


def test_the_api_tells_users_where_their_plugin_connects(
    live_server: LiveServer, plugin_nats: NatsCredentials, make_user: Callable[..., TestUser]
) -> None:
    config = make_user("plugin-config").http.get("/v1/config").json()
    plugins = next(c for c in config if c["id"] == "plugins")
    assert plugins["settings"] == {"enabled": True, "plugin_engine_uri": plugin_nats.url}
    # Anonymous callers learn that plugins are on, not where the (internal) NATS listens.
    anonymous = httpx.get(f"{live_server.url}/v1/config").json()
    assert next(c for c in anonymous if c["id"] == "plugins")["settings"] == {"enabled": True}


def test_an_assistant_lists_a_directory_and_reads_a_file_through_the_users_plugin(
    user_with_plugin: tuple[TestUser, dict[str, object], subprocess.Popen[bytes]],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    live_server: LiveServer,
) -> None:
    user, created, _cli = user_with_plugin
    config = user.http.get("/v1/config").json()
    assert (
        next(c for c in config if c["id"] == "plugins")["settings"]["plugin_engine_uri"] == created["plugin_engine_uri"]
    )
    assert {LIST, READ, RUN} <= set(wait_for_plugin_tools(user.http))
    scripted.script.plan = [
        (LIST, {"dir_path": "."}),
        (READ, {"file_path": "README.md"}),
        (READ, {"file_path": "../outside-secret.txt"}),
    ]
    conversation_id = f"plugin-{user.id[:8]}"
    with server_http(scripted_server.url, user) as http:
        assistant_id = plugin_assistant(user, llm="scripted", http=http)
        response = http.post(
            f"/v1/assistants/{assistant_id}/model",
            json={"text": "What is in my repository?", "stream": True, "conversationId": conversation_id},
        )
    assert response.status_code == 200, response.text
    lines = records(response.text)

    ended = [r["thought"] for r in lines if r["thought"] and not r["thought"]["in_progress"]]
    assert [(t["metadata"]["tool_name"], t["error"]) for t in ended] == [(LIST, False), (READ, False), (READ, False)]
    assert ended[0]["author_name"] == "List Files In Directory"  # the CLI's leading underscore is not shown
    listing, readme, escape = (t["message"] for t in ended)
    assert sorted(listing.splitlines()) == ["README.md", "src"]
    assert readme == "# Hello from the plugin\n"
    assert "Access denied" in escape and "top secret" not in escape
    final = lines[-1]
    assert final["last"] is True and final["success"] is True
    assert final["generated"].startswith(ANSWER_HEADER) and "# Hello from the plugin" in final["generated"]
    # The model was offered the plugin's tools with the plugin's own schemas.
    offered = {t["function"]["name"]: t["function"] for t in scripted.script.requests[-1]["tools"]}
    assert offered[READ]["parameters"]["properties"]["file_path"]["type"] == "string"

    stored = user.client.conversations.get_conversation(conversation_id).history
    assert [h.role for h in stored] == ["User", "Assistant"]
    answer = stored[1]
    assert answer.message == final["generated"]
    assert answer.thoughts is not None
    assert [(t.metadata["tool_name"], t.message) for t in answer.thoughts] == [
        (LIST, listing),
        (READ, readme),
        (READ, escape),
    ]


def test_a_plugin_killed_mid_call_fails_the_tool_clearly_and_the_chat_goes_on(
    user_with_plugin: tuple[TestUser, dict[str, object], subprocess.Popen[bytes]], workspace: Path
) -> None:
    user, _created, cli = user_with_plugin
    wait_for_plugin_tools(user.http)
    # On the mock model: it calls the one tool it is offered with the user's text as the command.
    assistant_id = plugin_assistant(user, tools=(RUN,))
    conversation_id = f"killed-{user.id[:8]}"
    # A command that runs until the plugin is killed under it (the kill is what is tested).
    body = {"text": "touch started && sleep 60", "stream": True, "conversationId": conversation_id}
    lines = []
    with user.http.stream("POST", f"/v1/assistants/{assistant_id}/model", json=body, timeout=120) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if not line:
                continue
            lines += records(line)
            if lines[-1]["thought"] and lines[-1]["thought"]["in_progress"]:
                started = workspace / "started"
                wait_until(started.exists, timeout=30, what="the command running on the user's machine")
                os.killpg(cli.pid, signal.SIGKILL)

    ended = [r["thought"] for r in lines if r["thought"] and not r["thought"]["in_progress"]]
    assert len(ended) == 1 and ended[0]["error"] is True
    # Noticed from the connection closing, not by waiting out the call's timeout.
    assert ended[0]["message"].startswith(f"The plugin disconnected while running the tool '{RUN}'")
    final = lines[-1]
    assert final["last"] is True and final["success"] is True
    assert final["tool_errors"] and final["tool_errors"][0]["tool_name"] == RUN
    assert "The plugin disconnected" in final["generated"]

    # The conversation goes on without the plugin.
    again = user.http.post(
        f"/v1/assistants/{assistant_id}/model", json={"text": "Are you still there?", "conversationId": conversation_id}
    )
    assert again.status_code == 200, again.text
    assert again.json()["generated"]
    history = user.client.conversations.get_conversation(conversation_id).history
    assert [h.role for h in history] == ["User", "Assistant", "User", "Assistant"]
    assert history[1].thoughts and history[1].thoughts[0].error is True
