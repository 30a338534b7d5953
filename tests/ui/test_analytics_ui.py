"""Analytics in the browser: a user's own spending page (summary, trend chart, breakdown by model), and a
soft budget limit shown as a warning above the answer in the chat."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.ui.conftest import create_assistant, sign_in


def test_my_spending_and_the_budget_warning_in_chat(
    page: Page, make_user: Callable[..., TestUser], admin_http: httpx.Client, shots: Path
) -> None:
    user = make_user("ui-spend")
    assistant_id = create_assistant(user, unique("Spender"), project=user.email)
    # A soft limit of zero on the user's own project: every turn from now on carries the warning.
    budget = admin_http.post(
        "/v1/admin/budgets", json={"scope": "project", "subject": user.email, "soft_budget": 0, "max_budget": 100}
    )
    assert budget.status_code == 201, budget.text

    sign_in(page, user.email, user.password)
    page.goto(f"/chat?assistant={assistant_id}")
    composer = page.get_by_test_id("chat-composer")
    composer.fill("How much have I spent?")
    composer.press("Enter")
    answer = page.get_by_test_id("message-assistant").last
    expect(answer).to_have_attribute("data-streaming", "false", timeout=60_000)
    # Shown above the message box for the latest answer (and kept after the turn is stored).
    expect(page.get_by_test_id("budget-warning")).to_contain_text("soft limit")

    page.get_by_test_id("nav-analytics").click()
    expect(page.get_by_role("heading", name="My spending")).to_be_visible()
    tokens = page.get_by_test_id("metric-total_tokens")
    expect(tokens).to_be_visible()
    assert int("".join(ch for ch in tokens.inner_text() if ch.isdigit())) > 0, tokens.inner_text()
    expect(page.get_by_test_id("analytics-trend").locator("canvas")).to_be_visible()
    expect(page.get_by_test_id("breakdown-models")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("breakdown-table")).to_contain_text("mock")
    expect(page.get_by_test_id("analytics-breakdown-chart").locator("canvas")).to_be_visible()

    # Another period and another breakdown come from the API too.
    page.get_by_test_id("analytics-period").select_option("last_24_hours")
    expect(page.get_by_role("heading", name="Cost per hour")).to_be_visible()
    page.get_by_test_id("analytics-measure").select_option("tokens")
    expect(page.get_by_role("heading", name="Tokens per hour")).to_be_visible()
    page.get_by_test_id("breakdown-projects").click()
    expect(page.get_by_test_id("breakdown-table")).to_contain_text(user.email)
    page.screenshot(path=shots / "analytics.png")
