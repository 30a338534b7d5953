"""Project budget groups through the SDK's project_budget_groups service: CodeMie's validation (400s), who may
read and change them, categories' spending from real chats, and the platform category's hard limit refusing
the next chat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import requests

from tests.analytics.support import turn
from tests.conftest import TestUser, unique
from tests.conversations.support import new_assistant

QUESTION = "What does the platform category cost?"


def _shared_project(admin: httpx.Client, project_admin: TestUser, member: TestUser) -> str:
    name = unique("budgetgroup")
    assert admin.post("/v1/projects", json={"name": name}).status_code in (200, 201)
    for user, is_admin in ((project_admin, True), (member, False)):
        assigned = admin.post(
            f"/v1/projects/{name}/assignment", json={"user_id": user.id, "is_project_admin": is_admin}
        )
        assert assigned.status_code in (200, 201), assigned.text
    return name


def _error(raised: pytest.ExceptionInfo[requests.HTTPError]) -> tuple[int, dict[str, Any]]:
    response = raised.value.response
    return response.status_code, response.json()["error"]


def test_groups_are_validated_scoped_and_spent_from_chats(
    priced_user: Callable[[str], TestUser], priced_admin: Any, priced_admin_http: httpx.Client
) -> None:
    lead, dev, outsider = priced_user("lead"), priced_user("dev"), priced_user("outsider")
    project = _shared_project(priced_admin_http, lead, dev)
    groups = priced_admin.project_budget_groups

    # CodeMie's rules, each a 400 naming the reason.
    for categories, reason in (({"platform": 60.0, "cli": 30.0}, "sum_off"), ({"cli": 100.0}, "no_platform")):
        with pytest.raises(requests.HTTPError) as bad:
            groups.create(project, "Q1", 10.0, "30d", categories)
        status, error = _error(bad)
        assert status == 400 and error["details"]["reason"] == reason, error
    with pytest.raises(requests.HTTPError) as negative:
        groups.create(project, "Q1", 10.0, "30d", {"platform": 110.0, "cli": -10.0})
    assert _error(negative)[0] == 400
    with pytest.raises(requests.HTTPError) as unknown:
        groups.create(project, "Q1", 10.0, "30d", {"platform": 50.0, "gpu": 50.0})
    assert _error(unknown)[1]["details"]["unknown"] == ["gpu"]
    with pytest.raises(requests.HTTPError) as fine_grained:
        groups.create(project, "Q1", 10.0, "90s", {"platform": 100.0})
    assert _error(fine_grained)[1]["details"]["field"] == "budget_duration"

    created = groups.create(project, "Q1", 10.0, "30d", {"platform": 70.0, "premium_models": 30.0})
    group_id = created["group_id"]
    by_category = {c["category"]: c for c in created["categories"]}
    assert by_category["platform"]["max_budget"] == pytest.approx(7.0)
    assert by_category["platform"]["soft_budget"] == pytest.approx(5.6)  # 80% of the max by default
    assert by_category["premium_models"]["max_budget"] == pytest.approx(3.0)
    assert by_category["platform"]["member_count"] == 3  # the admin who created the project, lead and dev

    # Spending: a member's chat in the project counts against the platform category.
    spent = turn(dev, new_assistant(dev, project=project), QUESTION)["money_spent"]
    read = lead.client.project_budget_groups.get(group_id)
    platform = next(c for c in read["categories"] if c["category"] == "platform")
    assert platform["current_spending"] == pytest.approx(spent, abs=1e-9)
    assert lead.client.project_budget_groups.list_by_project(project)["total"] == 1

    # The project admin may change the distribution only; a member and an outsider may not read it.
    moved = lead.client.project_budget_groups.update(group_id, {"platform": 50.0, "premium_models": 50.0})
    assert {c["category"]: c["max_budget"] for c in moved["categories"]} == {"platform": 5.0, "premium_models": 5.0}
    with pytest.raises(requests.HTTPError) as total:
        lead.client.project_budget_groups._update_raw(group_id, {"total_amount": 99.0})
    assert _error(total)[0] == 403
    for stranger in (dev, outsider):
        with pytest.raises(requests.HTTPError) as hidden:
            stranger.client.project_budget_groups.get(group_id)
        assert _error(hidden)[0] == 404
        with pytest.raises(requests.HTTPError) as listing:
            stranger.client.project_budget_groups.list_by_project(project)
        assert _error(listing)[0] == 403
    with pytest.raises(requests.HTTPError) as not_admin:
        lead.client.project_budget_groups.create(project, "Mine", 5.0, "7d", {"platform": 100.0})
    assert _error(not_admin)[0] == 403

    groups.delete(group_id)
    assert groups.list_by_project(project)["total"] == 0


def test_the_platform_category_hard_limit_refuses_the_next_chat(
    priced_user: Callable[[str], TestUser], priced_admin: Any, priced_admin_http: httpx.Client
) -> None:
    lead, dev = priced_user("lead"), priced_user("dev")
    project = _shared_project(priced_admin_http, lead, dev)
    assistant_id = new_assistant(dev, project=project)
    cost = turn(dev, assistant_id, QUESTION)["money_spent"]
    # The platform share (80% of the total) is 1.5 turns: one more turn may start, then the next is refused.
    group = priced_admin.project_budget_groups.create(
        project, "Tight", cost * 1.5 / 0.8, "1d", {"platform": 80.0, "cli": 20.0}
    )
    turn(dev, assistant_id, QUESTION)
    refused = dev.http.post(f"/v1/assistants/{assistant_id}/model", json={"text": QUESTION, "stream": True})
    assert refused.status_code == 402, refused.text
    error = refused.json()["error"]
    assert error["message"].startswith("Budget exceeded: the platform budget of project")
    assert error["details"]["scope"] == "project_budget_group" and error["details"]["category"] == "platform"

    # A reset starts a new period: the chat goes through again.
    reset = priced_admin_http.post(f"/v1/admin/project-budget-groups/{group['group_id']}/reset")
    assert reset.status_code == 200, reset.text
    assert all(c["current_spending"] == 0 for c in reset.json()["categories"])
    turn(dev, assistant_id, QUESTION)
