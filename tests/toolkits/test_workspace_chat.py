"""Through the API on a live server: an assistant writes a script into its conversation's workspace and
runs it in the sandbox; the script writes a file and calls a tool of the assistant, and a tool the
assistant does not have is refused. The SDK then finds the file in the conversation's workspace."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import TestUser
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.server import LiveServer

from .live import chat, create_assistant, ended_thoughts, server_http

SCRIPT = """
from codemill_tools import call_tool, ToolRefused
answer = call_tool("calculator", expression="6 * 7")
open("answer.txt", "w").write(answer)
try:
    call_tool("generic_jira_tool", method="GET", relative_url="/rest/api/2/myself")
except ToolRefused as exc:
    print("refused:", exc)
print("wrote", answer)
"""


def test_a_workspace_script_writes_a_file_and_calls_the_assistants_tool(
    make_user: Callable[..., TestUser], scripted_server: LiveServer, scripted: ScriptedModelServer
) -> None:
    user = make_user("ws-chat")
    scripted.script.plan = [
        ("workspace_write_file", {"file_path": "job.py", "content": SCRIPT}),
        ("workspace_run_script", {"script_path": "job.py"}),
        ("workspace_grep", {"pattern": "= 42$"}),
    ]
    conversation_id = f"ws-{user.id[:8]}"
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(user, http, "Workspace", [], policy="auto_approve")
        # The assistant has the calculator too (and no Jira tool).
        detail = http.get(f"/v1/assistants/id/{assistant_id}").json()
        detail["toolkits"].append({"toolkit": "Utilities", "tools": [{"name": "calculator"}]})
        assert http.put(f"/v1/assistants/{assistant_id}", json=detail).status_code == 200
        lines = chat(http, assistant_id, conversation_id, "Compute the answer in a script")
    wrote, ran, grep = ended_thoughts(lines)
    assert wrote["error"] is False and "Wrote job.py" in wrote["message"]
    assert ran["error"] is False, ran["message"]
    assert ran["message"].startswith("Script executed successfully")
    assert "refused: The tool generic_jira_tool is not one of this assistant's tools." in ran["message"]
    assert "wrote 6 * 7 = 42" in ran["message"]
    assert "Tool call calculator: done" in ran["message"] and "Tool call generic_jira_tool: refused" in ran["message"]
    assert grep["message"] == "answer.txt:1: 6 * 7 = 42"
    # The file is in the conversation's workspace, as the SDK sees it.
    workspace = user.client.workspaces.get_by_conversation(conversation_id)
    assert user.client.workspaces.read_file(workspace.id, "answer.txt").content == "6 * 7 = 42"
