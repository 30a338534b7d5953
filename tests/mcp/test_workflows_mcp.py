"""MCP in workflows: a state's assistant, inline in the YAML or stored, calls an MCP server's tool through
MCP Connect, and the tool's output reaches the state's output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.conftest import TestUser, unique
from tests.mcp.support import WORKBENCH
from tests.plugins.live import server_http
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.server import LiveServer
from tests.support.waiting import wait_until

SERVER = {"name": "workbench", "config": {"command": "python", "args": WORKBENCH}, "tools": ["count_words"]}
INLINE = f"""\
assistants:
  - id: counter
    model: scripted
    system_prompt: You count words with tools.
    mcp_servers:
      - name: workbench
        config: {{command: python, args: {WORKBENCH}}}
        tools: [count_words]
states:
  - id: count
    assistant_id: counter
    task: "Count the words of {{{{ user_input }}}}"
    next: {{state_id: end}}
"""


def _run(http: httpx.Client, project: str, yaml_config: str, user_input: str) -> dict[str, Any]:
    created = http.post(
        "/v1/workflows",
        json={"project": project, "name": unique("mcp-wf"), "description": "MCP", "yaml_config": yaml_config},
    )
    assert created.status_code == 200, created.text
    base = f"/v1/workflows/{created.json()['id']}/executions"
    started = http.post(base, json={"user_input": user_input})
    assert started.status_code == 200, started.text
    seen: dict[str, Any] = {}

    def finished() -> dict[str, Any] | None:
        seen.update(http.get(f"{base}/{started.json()['execution_id']}").json())
        return dict(seen) if seen["overall_status"] not in ("Not Started", "In Progress") else None

    return wait_until(finished, timeout=120, what=lambda: f"the execution to finish: {seen}")


def test_inline_and_stored_assistants_of_workflow_states_call_mcp_tools(
    make_user: Callable[..., TestUser], mcp_server: LiveServer, scripted: ScriptedModelServer
) -> None:
    user = make_user("mcp-workflow")
    with server_http(mcp_server.url, user) as http:
        scripted.script.plan = [("count_words", {"text": "one two three four"})]
        inline = _run(http, user.email, INLINE, "one two three four")
        assert inline["overall_status"] == "Succeeded", inline
        assert "'one two three four' has 4 words" in inline["output"]

        assistant = http.post(
            "/v1/assistants",
            json={
                "name": unique("mcp-stored"),
                "description": "Counts words",
                "system_prompt": "You count words with tools.",
                "project": user.email,
                "llm_model_type": "scripted",
                "mcp_servers": [SERVER],
            },
        )
        assert assistant.status_code == 200, assistant.text
        stored_yaml = (
            f"assistants:\n  - id: counter\n    assistant_id: {assistant.json()['assistantId']}\n"
            'states:\n  - id: count\n    assistant_id: counter\n    task: "Count {{ user_input }}"\n'
            "    next: {state_id: end}\n"
        )
        scripted.script.plan = [("count_words", {"text": "alpha beta"})]
        stored = _run(http, user.email, stored_yaml, "alpha beta")
        assert stored["overall_status"] == "Succeeded", stored
        assert "'alpha beta' has 2 words" in stored["output"]


def _tool_node_yaml(tool: str) -> str:
    return f"""\
tools:
  - id: counting
    tool: {tool}
    tool_args: {{text: "{{{{ user_input }}}}"}}
    mcp_server:
      name: workbench
      config: {{command: python, args: {WORKBENCH}}}
states:
  - id: count
    tool_id: counting
    next: {{state_id: end}}
"""


def test_a_direct_tool_node_calls_an_mcp_servers_tool(
    make_user: Callable[..., TestUser], mcp_server: LiveServer
) -> None:
    user = make_user("mcp-tool-node")
    with server_http(mcp_server.url, user) as http:
        done = _run(http, user.email, _tool_node_yaml("count_words"), "red green blue")
        assert done["overall_status"] == "Succeeded", done
        assert "'red green blue' has 3 words" in done["output"]

        missing = _run(http, user.email, _tool_node_yaml("no_such_tool"), "x")
        assert missing["overall_status"] == "Failed", missing
        assert "Tool 'no_such_tool' does not exist on MCP server 'workbench'" in str(missing["error"])
