"""Budgets: a soft limit warns in the chat stream, a hard limit refuses the next chat with a clear error, and
20 chats started together at the limit overspend by at most one turn each; admin changes land in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from codemie_sdk import CodeMieClient
from codemie_sdk.models.assistant import AssistantChatRequest

from tests.analytics.support import turn
from tests.conftest import TestUser, unique
from tests.conversations.support import new_assistant, records

QUESTION = "How much does this cost?"


def _budget(admin: httpx.Client, **fields: Any) -> dict[str, Any]:
    created = admin.post("/v1/admin/budgets", json=fields)
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def _chat_raw(user: TestUser, assistant_id: str, text: str) -> httpx.Response:
    return user.http.post(f"/v1/assistants/{assistant_id}/model", json={"text": text, "stream": True})


def test_hard_limit_refuses_the_next_chat_and_reset_lets_it_through(
    priced_user: Callable[[str], TestUser], priced_admin_http: httpx.Client
) -> None:
    carol = priced_user("carol")
    assistant_id = new_assistant(carol, project=carol.email)
    cost = turn(carol, assistant_id, QUESTION)["money_spent"]
    budget = _budget(priced_admin_http, scope="user", subject=carol.id, max_budget=cost * 1.5, budget_duration="daily")
    assert budget["current_spending"] == pytest.approx(cost, abs=1e-9)
    turn(carol, assistant_id, QUESTION)  # under the limit when it starts: allowed, and it crosses the limit

    refused = _chat_raw(carol, assistant_id, QUESTION)
    assert refused.status_code == 402
    error = refused.json()["error"]
    assert error["message"].startswith("Budget exceeded")
    assert error["details"]["scope"] == "user" and error["details"]["max_budget"] == pytest.approx(cost * 1.5)
    assert error["help"]
    hard = priced_admin_http.get("/v1/analytics/budget-hard-limit", params={"per_page": 1000}).json()
    assert carol.id in {row["subject"] for row in hard["data"]["rows"]}

    reset = priced_admin_http.post(f"/v1/admin/budgets/{budget['id']}/reset")
    assert reset.status_code == 200 and reset.json()["current_spending"] == 0
    turn(carol, assistant_id, QUESTION)


def test_a_hard_limit_holds_on_the_openai_compatible_api_and_ai_writing_too(
    priced_user: Callable[[str], TestUser], priced_admin_http: httpx.Client
) -> None:
    gina = priced_user("gina")
    assistant_id = new_assistant(gina, project=gina.email)
    cost = turn(gina, assistant_id, QUESTION)["money_spent"]
    _budget(priced_admin_http, scope="user", subject=gina.id, max_budget=cost / 2, budget_duration="daily")
    body = {"model": assistant_id, "messages": [{"role": "user", "content": QUESTION}]}
    for stream in (False, True):
        refused = gina.http.post("/v1/chat/completions", json={**body, "stream": stream})
        assert refused.status_code == 402, refused.text
        assert "Budget exceeded" in refused.text
    # Writing a skill or an assistant with the model is refused as well.
    written = gina.http.post("/v1/skills/instructions/generate", json={"description": "Review pull requests"})
    assert written.status_code == 402 and "Budget exceeded" in written.text


def test_soft_limit_warns_in_the_stream(
    priced_user: Callable[[str], TestUser], priced_admin_http: httpx.Client
) -> None:
    dave = priced_user("dave")
    assistant_id = new_assistant(dave, project=dave.email)
    _budget(priced_admin_http, scope="project", subject=dave.email, soft_budget=0.0, max_budget=100.0)
    lines = records(dave.client.assistants.chat(assistant_id, _request(QUESTION)))
    warnings = lines[0]["budget_warnings"]
    assert warnings[0]["scope"] == "project" and warnings[0]["subject"] == dave.email
    assert "soft limit" in warnings[0]["message"]
    assert lines[-1]["last"] is True and lines[-1]["success"] is True


def _request(text: str) -> AssistantChatRequest:
    return AssistantChatRequest(text=text, stream=True)


def test_twenty_concurrent_chats_at_the_limit_overspend_by_at_most_one_turn_each(
    priced_user: Callable[[str], TestUser], priced_admin_http: httpx.Client
) -> None:
    erin = priced_user("erin")
    assistant_id = new_assistant(erin, project=erin.email)
    first = turn(erin, assistant_id, QUESTION)["money_spent"]
    limit = first * 1.5  # spending is under the limit: every chat that starts now may run
    budget = _budget(priced_admin_http, scope="user", subject=erin.id, max_budget=limit, budget_duration="monthly")

    def one(_: int) -> httpx.Response:
        return _chat_raw(erin, assistant_id, QUESTION)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(one, range(20)))
    admitted = [r for r in responses if r.status_code == 200]
    assert all(r.status_code in (200, 402) for r in responses)
    assert admitted, "at least one chat started under the limit"
    costs = []
    for response in admitted:
        final = [line for line in response.text.splitlines() if line][-1]
        costs.append(httpx.Response(200, content=final).json()["debug"]["money_spent"])
    spent = priced_admin_http.get(f"/v1/admin/budgets/{budget['id']}").json()["current_spending"]
    # Every admitted turn is counted (no lost update), and none started past the limit.
    assert spent == pytest.approx(first + sum(costs), abs=1e-9)
    assert spent - limit <= len(admitted) * max(costs) + 1e-9
    assert len(admitted) <= 20
    assert _chat_raw(erin, assistant_id, QUESTION).status_code == 402


def test_cost_center_budget_and_audit_log(
    priced_user: Callable[[str], TestUser], priced_admin: CodeMieClient, priced_admin_http: httpx.Client
) -> None:
    frank = priced_user("frank")
    assistant_id = new_assistant(frank, project=frank.email)
    center = priced_admin.cost_centers.create_cost_center(name=unique("cc"), description="R&D")
    linked = priced_admin_http.put(f"/v1/admin/cost-centers/{center.id}/projects", json={"projects": [frank.email]})
    assert linked.status_code == 200 and linked.json()["project_count"] == 1
    cost = turn(frank, assistant_id, QUESTION)["money_spent"]
    _budget(priced_admin_http, scope="cost_center", subject=str(center.id), max_budget=cost / 2)
    rollup = priced_admin.cost_centers.get_budget_rollup(center.id)
    assert rollup.current_spending == pytest.approx(cost, abs=1e-9)
    assert rollup.total_percent == pytest.approx(200.0, rel=1e-3)
    assert _chat_raw(frank, assistant_id, QUESTION).status_code == 402
    assert any(c.id == center.id for c in priced_admin.cost_centers.list_cost_centers(per_page=1000).data)

    events = priced_admin.activity_events.list_events(domain=["budget_management"], entity_id=str(center.id))
    assert {e.event_type for e in events.data} >= {"cost_center_created", "cost_center_projects_set"}
    options = priced_admin.activity_events.get_filter_options()
    assert "budget_management" in options.domains
    assert frank.http.get("/v1/admin/activity-events").status_code == 403
    assert frank.http.post("/v1/admin/budgets", json={"scope": "user", "subject": frank.id}).status_code == 403


def test_bad_budgets_are_refused_naming_the_field(priced_admin_http: httpx.Client) -> None:
    soft_over_hard = priced_admin_http.post(
        "/v1/admin/budgets", json={"scope": "user", "subject": unique("u"), "soft_budget": 5, "max_budget": 1}
    )
    assert soft_over_hard.status_code == 422 and soft_over_hard.json()["error"]["details"]["field"] == "soft_budget"
    unknown_center = priced_admin_http.post(
        "/v1/admin/budgets", json={"scope": "cost_center", "subject": "nope", "max_budget": 1}
    )
    assert unknown_center.status_code == 422
    unknown_user = priced_admin_http.post(
        "/v1/admin/budgets", json={"scope": "user", "subject": "nobody", "max_budget": 1}
    )
    assert unknown_user.status_code == 422 and unknown_user.json()["error"]["details"]["field"] == "subject"
    assert priced_admin_http.get("/v1/admin/budgets/nope").status_code == 404
