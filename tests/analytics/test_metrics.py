"""GET /metrics: Prometheus text (before the UI's catch-all) with request latency by route template, chats,
tokens, tool calls, the job queue and the database pool; sign-ins land in the activity log."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from codemie_sdk import CodeMieClient
from codemie_sdk.models.analytics import PaginatedAnalyticsQueryParams
from prometheus_client.parser import text_string_to_metric_families

from tests.analytics.support import turn
from tests.conftest import TestUser
from tests.conversations.support import UTILITIES, new_assistant
from tests.support.server import LiveServer


def test_metrics_report_requests_chats_tokens_tools_jobs_and_pool(
    priced: LiveServer, priced_user: Callable[[str], TestUser]
) -> None:
    grace = priced_user("grace")
    assistant_id = new_assistant(grace, project=grace.email, toolkits=[UTILITIES])
    debug = turn(grace, assistant_id, "calculate 6*7")
    response = httpx.get(f"{priced.url}/metrics", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}

    routes = {s.labels["route"] for s in families["codemill_http_request_duration_seconds"].samples}
    assert "/v1/assistants/{assistant_id}/model" in routes, "latency is labelled by route template, not path"
    chats = {s.labels["status"]: s.value for s in families["codemill_chats"].samples if s.name.endswith("_total")}
    assert chats.get("success", 0) >= 1
    tokens = {
        s.labels["direction"]: s.value
        for s in families["codemill_llm_tokens"].samples
        if s.name.endswith("_total") and s.labels["model"] == "mock"
    }
    assert tokens["input"] >= debug["input_tokens"] and tokens["output"] >= debug["output_tokens"]
    tools = [s for s in families["codemill_tool_calls"].samples if s.name.endswith("_total")]
    assert any(s.labels["tool"] == "calculator" and s.value >= 1 for s in tools)
    assert "codemill_jobs" in families and "codemill_jobs_oldest_waiting_seconds" in families
    assert families["codemill_db_pool_size"].samples[0].value > 0
    assert "codemill_db_pool_checked_out" in families

    # The UI still answers every other path.
    page = httpx.get(f"{priced.url}/some/page", timeout=30)
    assert page.status_code == 200 and "codemill ui" in page.text


def test_tool_calls_reach_the_tools_report(priced_user: Callable[[str], TestUser], priced_admin: CodeMieClient) -> None:
    heidi = priced_user("heidi")
    assistant_id = new_assistant(heidi, project=heidi.email, toolkits=[UTILITIES])
    turn(heidi, assistant_id, "calculate 2+2")
    turn(heidi, assistant_id, "calculate 3+3")
    rows = priced_admin.analytics.get_tools_usage(PaginatedAnalyticsQueryParams(projects=heidi.email)).data.rows
    assert [(r["tool_name"], r["total_invocations"], r["unique_users"]) for r in rows] == [("calculator", 2, 1)]


def test_sign_ins_are_in_the_activity_log(priced_user: Callable[[str], TestUser], priced_admin: CodeMieClient) -> None:
    ivan = priced_user("ivan")
    events = priced_admin.activity_events.list_events(actor_id=ivan.id, domain=["authentication"])
    assert [e.event_type for e in events.data] == ["sign_in"]
    assert events.data[0].actor_email == ivan.email
    created = priced_admin.activity_events.list_events(event_type=["user_created"], entity_id=ivan.id)
    assert created.pagination.total == 1 and created.data[0].attributes["email"] == ivan.email
