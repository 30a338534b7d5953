"""The built SPA runs under its Content-Security-Policy: the inline theme script runs, nothing is blocked."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.conftest import TestUser
from tests.ui.conftest import sign_in


def test_the_app_runs_under_its_policy_with_no_violations(page: Page, make_user: Callable[..., TestUser]) -> None:
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    user = make_user("csp")
    document = page.goto("/login")
    assert document is not None
    policy = document.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in policy and "frame-ancestors 'none'" in policy
    assert document.headers["x-frame-options"] == "DENY"
    # The inline theme script ran (it is allowed by its hash, not by 'unsafe-inline').
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    sign_in(page, user.email, user.password)
    for path in ("/assistants", "/datasources", "/integrations", "/chat"):
        page.goto(path)
        expect(page.get_by_test_id("user-name")).to_be_visible()
    assert problems == []
