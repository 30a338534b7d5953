"""Agent workspaces through the SDK's `workspaces` service against a live server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from tests.conftest import TestUser, unique

SCRIPT = """
from codemill_tools import call_tool, ToolRefused
open("out/result.txt", "w").write(open("data.csv").read().upper())
try:
    call_tool("calculator", expression="6*7")
except ToolRefused as exc:
    print("refused:", exc)
"""


def test_files_put_get_list_delete(make_user: Callable[..., TestUser]) -> None:
    user = make_user("ws")
    ws = user.client.workspaces
    conversation_id = unique("conv")
    workspace = ws.create(conversation_id, name="scratch")
    assert workspace.conversation_id == conversation_id and workspace.user_id == user.id
    # Creating again gives the same workspace; it is found by its conversation.
    assert ws.create(conversation_id).id == workspace.id
    assert ws.get_by_conversation(conversation_id).id == workspace.id

    first = ws.write_file(workspace.id, "notes/todo.md", "- ship it\n")
    assert (first.path, first.size, first.version, first.mime_type) == ("notes/todo.md", 10, 1, "text/markdown")
    again = ws.write_file(workspace.id, "notes/todo.md", "- ship it\n- test it\n")
    assert again.version == 2
    ws.write_file(workspace.id, "main.py", "print('hi')\n")
    assert [f.path for f in ws.list_files(workspace.id)] == ["main.py", "notes/todo.md"]
    assert [f.path for f in ws.list_files(workspace.id, glob="notes/*")] == ["notes/todo.md"]

    read = ws.read_file(workspace.id, "notes/todo.md")
    assert read.content == "- ship it\n- test it\n" and read.is_binary is False

    assert ws.delete_file(workspace.id, "notes/todo.md").deleted is True
    assert ws.delete_file(workspace.id, "notes/todo.md").deleted is False
    assert [f.path for f in ws.list_files(workspace.id)] == ["main.py"]
    with pytest.raises(requests.HTTPError) as missing:
        ws.read_file(workspace.id, "notes/todo.md")
    assert missing.value.response.status_code == 400


def test_paths_limits_and_owners(make_user: Callable[..., TestUser]) -> None:
    user, stranger = make_user("ws-owner"), make_user("ws-stranger")
    workspace = user.client.workspaces.create(unique("conv"))
    for bad in ("/etc/passwd", "../up.txt", "a/../../b", ".codemill/tools.sock", ".codemill/codemill_tools.py"):
        with pytest.raises(requests.HTTPError) as refused:
            user.client.workspaces.write_file(workspace.id, bad, "x")
        assert refused.value.response.status_code == 400, bad
        assert "file_path" in refused.value.response.json()["error"]["message"]
    too_big = user.http.put(
        f"/v1/workspaces/{workspace.id}/files", json={"file_path": "big.txt", "content": "x" * 1_048_577}
    )
    assert too_big.status_code == 413 and "at most 1048576" in too_big.json()["error"]["message"]
    # Another user sees neither the workspace nor its files.
    for call in (
        lambda: stranger.client.workspaces.list_files(workspace.id),
        lambda: stranger.client.workspaces.write_file(workspace.id, "x.txt", "x"),
        lambda: stranger.client.workspaces.execute_script(workspace.id, "x.py"),
    ):
        with pytest.raises(requests.HTTPError) as hidden:
            call()
        assert hidden.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as none:
        stranger.client.workspaces.get_by_conversation(workspace.conversation_id)
    assert none.value.response.status_code == 404
    # A workspace id that does not exist answers the same as another user's.
    with pytest.raises(requests.HTTPError) as unknown:
        user.client.workspaces.list_files("no-such-workspace")
    assert unknown.value.response.status_code == 404
    assert unknown.value.response.json() == hidden.value.response.json()


def test_a_direct_run_writes_files_but_its_tool_calls_are_refused(make_user: Callable[..., TestUser]) -> None:
    user = make_user("ws-runner")
    ws = user.client.workspaces
    workspace = ws.create(unique("conv"))
    ws.write_file(workspace.id, "data.csv", "a,b\n1,2\n")
    ws.write_file(workspace.id, "out/.keep", "")
    ws.write_file(workspace.id, "job.py", SCRIPT)
    run = ws.execute_script(workspace.id, "job.py", export_files=["out/result.txt", "missing.txt"])
    assert run.message == "Script executed successfully"
    # Run without an assistant behind it: the script's tool call is refused, with the reason.
    assert "refused: Tool calls need an assistant's context" in run.output
    assert {f.path for f in run.workspace_files} == {"data.csv", "out/.keep", "job.py", "out/result.txt"}
    assert run.warnings == ["Export 'missing.txt': the script left no such file."]
    assert ws.read_file(workspace.id, "out/result.txt").content == "A,B\n1,2\n"


def test_a_runaway_script_is_stopped_and_reported(make_user: Callable[..., TestUser]) -> None:
    user = make_user("ws-runaway")
    ws = user.client.workspaces
    workspace = ws.create(unique("conv"))
    ws.write_file(workspace.id, "leak.py", "blocks = [bytearray(100_000_000) for _ in range(100)]\n")
    run = ws.execute_script(workspace.id, "leak.py")
    assert run.message == "Script stopped by the sandbox: memory limit of 512 MiB reached"
    assert "MemoryError" in run.output
