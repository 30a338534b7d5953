"""Analytics through the SDK: after chats with known token counts by two users in two projects, the reports
equal the sums the test computed; users see their own usage only, and not another project's."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from codemie_sdk.models.analytics import AnalyticsQueryParams, PaginatedAnalyticsQueryParams

from tests.analytics.support import Spent, turn
from tests.conftest import TestUser
from tests.conversations.support import new_assistant

QUESTIONS = ["What is a budget?", "How are tokens counted in a long and winding question?", "Why?"]


def _metrics(response: object) -> dict[str, object]:
    return {m.id: m.value for m in response.data.metrics}  # type: ignore[attr-defined]


def test_reports_equal_the_sums_of_the_chats(  # type: ignore[no-untyped-def]
    priced_user: Callable[[str], TestUser], priced_admin, priced_admin_http
) -> None:
    alice, bob = priced_user("alice"), priced_user("bob")
    spent = {alice.email: Spent(), bob.email: Spent()}
    for user, questions in ((alice, QUESTIONS), (bob, QUESTIONS[:2])):
        assistant_id = new_assistant(user, project=user.email)
        for question in questions:
            spent[user.email].add(turn(user, assistant_id, question))
    total = Spent(
        sum(s.input_tokens for s in spent.values()),
        sum(s.output_tokens for s in spent.values()),
        sum(s.cost for s in spent.values()),
        sum(s.calls for s in spent.values()),
    )
    assert total.cost > 0, "the priced mock model makes turns cost money"
    both = f"{alice.email},{bob.email}"

    summary = _metrics(
        priced_admin.analytics.get_summaries(AnalyticsQueryParams(time_period="last_24_hours", projects=both))
    )
    assert summary["total_input_tokens"] == total.input_tokens
    assert summary["total_output_tokens"] == total.output_tokens
    assert summary["total_tokens"] == total.input_tokens + total.output_tokens
    assert summary["total_money_spent"] == pytest.approx(total.cost, abs=1e-6)
    assert summary["unique_active_users"] == 2
    assert summary["unique_assistants_invoked"] == 2
    assert summary["total_requests"] == total.calls

    params = PaginatedAnalyticsQueryParams(time_period="last_7_days", projects=both)
    projects = {r["project_name"]: r for r in priced_admin.analytics.get_projects_spending(params).data.rows}
    assert set(projects) == {alice.email, bob.email}
    for email, s in spent.items():
        assert projects[email]["total_cost_usd"] == pytest.approx(s.cost, abs=1e-6)
        assert projects[email]["input_tokens"] == s.input_tokens
        assert projects[email]["output_tokens"] == s.output_tokens

    users = {r["user_email"]: r for r in priced_admin.analytics.get_users_spending(params).data.rows}
    assert set(users) == {alice.email, bob.email}
    for email, s in spent.items():
        assert users[email]["total_cost_usd"] == pytest.approx(s.cost, abs=1e-6)

    llms = priced_admin.analytics.get_llms_usage(params)
    assert [(r["model_name"], r["total_requests"]) for r in llms.data.rows] == [("mock", total.calls)]
    assert llms.data.rows[0]["input_tokens"] == total.input_tokens
    assert llms.data.rows[0]["total_cost_usd"] == pytest.approx(total.cost, abs=1e-6)
    assert llms.pagination is not None and llms.pagination.total_count == 1

    # Explicit dates give the same sums as the named period.
    chats = priced_admin.analytics.get_assistants_chats(params)
    assert sorted(r["total_requests"] for r in chats.data.rows) == sorted(s.calls for s in spent.values())
    listed = priced_admin.analytics.get_users(AnalyticsQueryParams(projects=both))
    assert {u.id for u in listed.data.users} == {alice.id, bob.id}

    # The timeline (Codemill's own report, for the UI's charts): every hour of the window, summing to the total.
    timeline = priced_admin_http.get(
        "/v1/analytics/usage-over-time", params={"time_period": "last_24_hours", "projects": both}
    ).json()
    assert timeline["data"]["grain"] == "hour"
    points = timeline["data"]["points"]
    assert len(points) in (24, 25), "whole hours of the window, the current one included"
    assert sum(p["input_tokens"] for p in points) == total.input_tokens
    assert sum(p["total_requests"] for p in points) == total.calls
    assert sum(p["total_cost_usd"] for p in points) == pytest.approx(total.cost, abs=1e-6)
    daily = priced_admin_http.get(
        "/v1/analytics/usage-over-time", params={"time_period": "last_7_days", "projects": both}
    ).json()
    assert daily["data"]["grain"] == "day" and len(daily["data"]["points"]) == 7
    assert sum(p["output_tokens"] for p in daily["data"]["points"]) == total.output_tokens

    # A user's own view: their spending only, without naming any filter.
    own = _metrics(alice.client.analytics.get_summaries(AnalyticsQueryParams(time_period="last_hour")))
    assert own["total_input_tokens"] == spent[alice.email].input_tokens
    assert own["total_money_spent"] == pytest.approx(spent[alice.email].cost, abs=1e-6)
    own_users = alice.client.analytics.get_users_spending(PaginatedAnalyticsQueryParams())
    assert [r["user_email"] for r in own_users.data.rows] == [alice.email]


def test_a_user_cannot_read_another_projects_or_users_analytics(priced_user: Callable[[str], TestUser]) -> None:
    alice, bob = priced_user("alice"), priced_user("bob")
    turn(bob, new_assistant(bob, project=bob.email), "Private question")
    with pytest.raises(requests.HTTPError) as refused:
        alice.client.analytics.get_projects_spending(PaginatedAnalyticsQueryParams(projects=bob.email))
    assert refused.value.response.status_code == 403
    response = alice.http.get("/v1/analytics/summaries", params={"projects": bob.email})
    assert response.status_code == 403
    assert response.json()["error"]["details"]["field"] == "projects"
    assert alice.http.get("/v1/analytics/users-spending", params={"users": bob.id}).status_code == 403
    # Without filters, Bob's usage is simply not in Alice's view.
    rows = alice.client.analytics.get_projects_spending(PaginatedAnalyticsQueryParams()).data.rows
    assert bob.email not in {r["project_name"] for r in rows}


def test_bad_periods_are_refused_naming_the_field(priced_user: Callable[[str], TestUser]) -> None:
    alice = priced_user("alice")
    bad = alice.http.get("/v1/analytics/summaries", params={"time_period": "last_century"})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "time_period"
    bad = alice.http.get("/v1/analytics/llms-usage", params={"start_date": "yesterday"})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "start_date"
    backwards = alice.http.get(
        "/v1/analytics/llms-usage", params={"start_date": "2026-02-01", "end_date": "2026-01-01"}
    )
    assert backwards.status_code == 422
