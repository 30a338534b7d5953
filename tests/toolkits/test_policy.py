"""Which calls wait for approval under each policy, which calls write, and how audit lines mask secrets."""

from __future__ import annotations

from typing import Any

import pytest

from codemill.toolkits.atlassian import jira_tool
from codemill.toolkits.aws import AwsTool
from codemill.toolkits.git_hosts import GIT_OPERATIONS
from codemill.toolkits.sql import SqlTool
from codemill.tools.approval import ToolApprovals, ToolCallAction, ToolCallPolicy
from codemill.tools.audit import masked
from codemill.tools.base import Tool, writes
from codemill.tools.builtin.calculator import Calculator


@pytest.mark.parametrize(
    ("permissions", "asks_write", "asks_read"),
    [
        (None, True, False),
        ({"tool_call_policy": "approve_for_me"}, True, False),
        ({"tool_call_policy": "auto_approve"}, False, False),
        ({"tool_call_policy": "ask_for_approval"}, True, True),
        ({"tool_call_policy": "something-else"}, True, False),
    ],
)
def test_policies(permissions: dict[str, Any] | None, asks_write: bool, asks_read: bool) -> None:
    approvals = ToolApprovals.from_permissions(permissions)
    assert (approvals.asks(True), approvals.asks(False)) == (asks_write, asks_read)


def test_a_decision_ends_the_wait_and_a_deny_is_remembered() -> None:
    approvals = ToolApprovals(ToolCallPolicy.APPROVE_FOR_ME)
    assert approvals.waiting("call_1", writes=True)
    approvals.decisions["call_1"] = ToolCallAction.DENY
    assert not approvals.waiting("call_1", writes=True) and approvals.denied("call_1")
    assert approvals.waiting("call_2", writes=True) and not approvals.denied("call_2")


def _writes(tool: Tool, **args: Any) -> bool:
    return writes(tool, args)


def test_which_calls_write() -> None:
    jira = jira_tool(None)  # type: ignore[arg-type]  # the binding is not used to judge a call
    assert not _writes(jira, method="GET", relative_url="/rest/api/2/issue/A-1")
    assert not _writes(jira, method="POST", relative_url="/rest/api/2/search")
    assert _writes(jira, method="POST", relative_url="/rest/api/2/issue")
    assert _writes(jira, method="DELETE", relative_url="/rest/api/2/issue/A-1")
    sql = SqlTool(None)  # type: ignore[arg-type]
    assert not _writes(sql, sql_query="  select 1") and not _writes(
        sql, sql_query="WITH x AS (SELECT 1) SELECT * FROM x"
    )
    assert _writes(sql, sql_query="update t set a = 1")
    aws = AwsTool(None)  # type: ignore[arg-type]
    assert not _writes(aws, method_name="describe_instances") and _writes(aws, method_name="terminate_instances")
    git = {op.name: op.writes for op in GIT_OPERATIONS}
    assert git["list_branches_in_repo"] is False and git["get_pr_changes"] is False
    assert git["create_file"] and git["delete_file"] and git["create_pull_request"]
    assert not _writes(Calculator(), expression="1+1")


def test_secret_named_arguments_are_masked_at_any_depth() -> None:
    args = {"method": "GET", "headers": {"Authorization": "Bearer x", "accept": "json"}, "items": [{"password": "p"}]}
    assert masked(args) == {
        "method": "GET",
        "headers": {"Authorization": "***", "accept": "json"},
        "items": [{"password": "***"}],
    }
