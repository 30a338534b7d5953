"""A hard budget refuses a workflow run as it refuses a chat: 402 in CodeMie's error shape, nothing queued."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.conftest import TestUser
from tests.support.server import LiveServer
from tests.workflows.support import LINEAR_FIVE, create


def test_a_hard_budget_refuses_the_run_and_nothing_is_queued(
    make_user: Callable[..., TestUser], admin_http: httpx.Client, live_server: LiveServer
) -> None:
    user = make_user("wf-budget")
    workflow_id = create(user.client, user.email, LINEAR_FIVE)
    budget = admin_http.post("/v1/admin/budgets", json={"scope": "project", "subject": user.email, "max_budget": 0})
    assert budget.status_code == 201, budget.text
    try:
        refused = user.http.post(f"/v1/workflows/{workflow_id}/executions", json={"user_input": "ship it"})
        assert refused.status_code == 402, refused.text
        error = refused.json()["error"]
        assert error["message"].startswith("Budget exceeded: the project budget of") and error["help"]
        listed = user.http.get(f"/v1/workflows/{workflow_id}/executions").json()
        assert listed["data"] == []
    finally:
        assert admin_http.delete(f"/v1/admin/budgets/{budget.json()['id']}").status_code < 300
