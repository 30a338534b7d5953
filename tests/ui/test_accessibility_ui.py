"""Keyboard and accessibility: shortcuts and a short way to the message box; axe-core on every page in
light and dark mode finds no serious or critical violation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, TestUser, unique
from tests.support.server import ROOT, LiveServer
from tests.ui.conftest import LAPTOP, create_assistant, sign_in

AXE = ROOT / "ui" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/chat",
    "/assistants",
    "/assistants/new",
    "/datasources",
    "/datasources/new",
    "/workflows",
    "/workflows/new",
    "/integrations",
    "/mcp",
    "/profile",
    "/admin/projects",
    "/admin/users",
]
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => [n.target.join(' '), n.failureSummary]) }));
}"""


def _violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return found


@pytest.fixture(params=["light", "dark"])
def themed_page(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer, built_ui: Path
) -> Iterator[Page]:
    # bypass_csp: axe-core is injected as an inline script (the app's own policy forbids those).
    context = browser.new_context(
        base_url=live_server.url, viewport=LAPTOP, color_scheme=request.param, bypass_csp=True
    )
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def test_no_serious_or_critical_axe_violations_on_any_page(themed_page: Page, admin_client: object) -> None:
    page = themed_page
    assert AXE.is_file(), "run `npm ci` in ui/ (axe-core is a dev dependency)"
    page.goto("/login")
    expect(page.get_by_test_id("login-email")).to_be_visible()
    found: dict[str, list[dict[str, Any]]] = {}
    if v := _violations(page):
        found["/login"] = v
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    for path in PAGES:
        page.goto(path)
        expect(page.locator("#main")).to_be_visible()
        expect(page.locator(".spinner, [aria-busy=true]")).to_have_count(0)
        if v := _violations(page):
            found[path] = v
    assert not found, found


def test_keyboard_shortcuts_and_a_short_way_to_the_message_box(
    slow_page: Page, make_user: Callable[..., TestUser]
) -> None:
    page = slow_page
    user = make_user("ui-keys")
    create_assistant(user, unique("Keys"))
    sign_in(page, user.email, user.password)
    page.goto("/chat")
    expect(page.get_by_test_id("chat-composer")).to_be_enabled()
    # The first two stops of the page: "skip to content", then "skip to the message box".
    page.get_by_role("link", name="Skip to content").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("skip-to-composer")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("chat-composer")).to_be_focused()

    # Ctrl+K: search conversations; Shift+Esc: back to the message box.
    page.keyboard.press("Control+k")
    expect(page.get_by_test_id("conversation-search")).to_be_focused()
    page.keyboard.press("Shift+Escape")
    expect(page.get_by_test_id("chat-composer")).to_be_focused()

    # Esc stops an answer being written.
    page.get_by_test_id("chat-composer").fill(" ".join(["Please repeat this long question back to me"] * 8))
    page.keyboard.press("Enter")
    answer = page.get_by_test_id("message-assistant").last
    expect(answer.locator(".markdown")).not_to_be_empty()
    page.keyboard.press("Escape")
    expect(answer.get_by_test_id("stopped-badge")).to_be_visible()

    # Ctrl+Shift+O: a new chat, with the message box focused.
    page.keyboard.press("Control+Shift+O")
    expect(page.get_by_test_id("message-assistant")).to_have_count(0)
    expect(page.get_by_test_id("chat-composer")).to_be_focused()
