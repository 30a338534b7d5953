"""Which tool calls a workspace script may make: the assistant's own tools of the turn, never one that
would wait for the user's approval, never the workspace tools themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codemill.auth.principal import Principal
from codemill.models import Assistant
from codemill.sandbox.channel import ChannelRefusal
from codemill.settings import Settings
from codemill.toolkits.base import Binding
from codemill.toolkits.code_executor import CodeExecutorTool
from codemill.tools.approval import ToolApprovals, ToolCallPolicy
from codemill.tools.base import Tool, ToolContext
from codemill.tools.builtin.calculator import Calculator
from codemill.workspaces.tools import RunScript, WriteFile


def _context(policy: ToolCallPolicy) -> ToolContext:
    principal = Principal(
        user_id="u1", email="u1@example.com", username="u1", name="U", is_admin=False, auth_source="local"
    )
    return ToolContext(
        principal=principal,
        project=None,
        assistant_id="a1",
        conversation_id="c1",
        sessions=None,  # type: ignore[arg-type]  (no tool here opens a session)
        http=None,  # type: ignore[arg-type]
        approvals=ToolApprovals(policy),
    )


def _handler(policy: ToolCallPolicy, tmp_path: Path) -> Any:
    run = RunScript()
    assistant = Assistant(id="a1", name="a", project="p")
    peers: dict[str, Tool] = {"calculator": Calculator(), "code_executor": CodeExecutorTool(Binding(assistant))}
    peers["workspace_write_file"] = WriteFile()
    peers["workspace_run_script"] = run
    run.bind_peers(peers)
    return run._handler(_context(policy), Settings(data_dir=tmp_path))


async def test_a_read_tool_of_the_assistant_runs(tmp_path: Path) -> None:
    handle = _handler(ToolCallPolicy.APPROVE_FOR_ME, tmp_path)
    assert await handle("calculator", {"expression": "6 * 7"}) == "6 * 7 = 42"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("code_executor", "needs the user's approval"),
        ("workspace_write_file", "is not one of this assistant's tools"),
        ("workspace_run_script", "is not one of this assistant's tools"),
        ("generic_jira_tool", "is not one of this assistant's tools"),
    ],
)
async def test_other_calls_are_refused(tmp_path: Path, name: str, reason: str) -> None:
    handle = _handler(ToolCallPolicy.APPROVE_FOR_ME, tmp_path)
    with pytest.raises(ChannelRefusal, match=reason):
        await handle(name, {"code": "print(1)"})


async def test_every_call_asks_under_ask_for_approval(tmp_path: Path) -> None:
    handle = _handler(ToolCallPolicy.ASK_FOR_APPROVAL, tmp_path)
    with pytest.raises(ChannelRefusal, match="needs the user's approval"):
        await handle("calculator", {"expression": "1 + 1"})
