"""MCP in the browser: the catalogue page, and an assistant's MCP server tested from the editor."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.ui.conftest import sign_in


def test_the_catalogue_lists_system_servers_and_takes_the_users_own(
    page: Page, make_user: Callable[..., TestUser], shots: Path
) -> None:
    user = make_user("ui-mcp-catalogue")
    sign_in(page, user.email, user.password)
    page.get_by_test_id("nav-mcp").click()
    time_entry = page.get_by_test_id("mcp-entry-Time")
    expect(time_entry).to_contain_text("system")
    expect(time_entry).to_contain_text("python -m codemill.mcp.servers.time")

    name = unique("Tickets")
    page.get_by_test_id("mcp-create-name").fill(name)
    page.get_by_test_id("mcp-create-target").fill('npx -y "@acme/tickets-mcp"')
    page.get_by_test_id("mcp-create-save").click()
    mine = page.get_by_test_id(f"mcp-entry-{name}")
    expect(mine).to_contain_text("npx -y @acme/tickets-mcp")
    page.screenshot(path=shots / "mcp-catalogue.png")
    saved = user.http.get("/v1/mcp-configs", params={"search": name}).json()["configs"]
    assert [c["config"]["args"] for c in saved] == [["-y", "@acme/tickets-mcp"]]

    mine.get_by_role("button", name=f"Delete {name}").click()
    expect(mine).to_have_count(0)
    assert user.http.get("/v1/mcp-configs", params={"search": name}).json()["total"] == 0


def test_an_mcp_server_is_tested_and_saved_from_the_assistant_editor(
    page: Page, make_user: Callable[..., TestUser], shots: Path
) -> None:
    user = make_user("ui-mcp-editor")
    sign_in(page, user.email, user.password)
    page.goto("/assistants/new")
    page.get_by_test_id("mcp-catalogue-select").select_option("system-codemill-time")
    page.get_by_test_id("mcp-add-catalogue").click()
    page.get_by_test_id("mcp-test-Time").click()
    expect(page.get_by_test_id("mcp-tools-Time")).to_contain_text("current_time", timeout=60_000)

    page.get_by_test_id("mcp-custom-input").fill("bash -c id")
    page.get_by_test_id("mcp-add-custom").click()
    page.get_by_test_id("mcp-test-bash").click()
    expect(page.get_by_test_id("mcp-error-bash")).to_contain_text("not on the MCP Connect allow-list", timeout=60_000)
    page.screenshot(path=shots / "mcp-editor.png")
    page.get_by_role("button", name="Remove bash").click()

    name = unique("Clock")
    page.get_by_test_id("assistant-name").fill(name)
    page.get_by_test_id("assistant-description").fill("Tells the time")
    page.get_by_test_id("assistant-system-prompt").fill("You tell the time.")
    page.get_by_test_id("assistant-save").click()
    # The list page, once saved (a pattern like "**/assistants**" also matches /assistants/new: no wait at all).
    page.wait_for_url(re.compile(r"/assistants(\?.*)?$"))
    found = [a for a in user.client.assistants.list(per_page=100) if a.name == name]
    assert len(found) == 1
    servers = user.client.assistants.get(found[0].id).mcp_servers
    assert [(s.name, s.mcp_config_id) for s in servers] == [("Time", "system-codemill-time")]
