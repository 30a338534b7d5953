"""Admin screens in the browser: projects with members and roles, users; plus the dark theme and keyboard use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, TestUser, unique
from tests.ui.conftest import sign_in


def test_admin_manages_project_members(page: Page, make_user: Callable[..., TestUser], shots: Path) -> None:
    member = make_user("ui-member")
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.get_by_test_id("nav-users").click()
    # The session's database holds far more users than one page: search finds the new one.
    expect(page.get_by_test_id("user-list")).to_be_visible()
    page.get_by_label("Search users").fill(member.email)
    expect(page.get_by_test_id("user-list").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("user-list")).to_contain_text(member.email)
    page.screenshot(path=shots / "12-users.png")

    page.get_by_test_id("nav-projects").click()
    projects = page.get_by_test_id("project-list")
    expect(projects).to_be_visible()
    name = unique("team").replace("-", "")
    page.get_by_role("button", name="+ New project").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Description").fill("A team made in the UI test")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(projects).to_contain_text(name)
    members = page.get_by_test_id("project-members")
    expect(members).to_be_visible()
    members.get_by_label("Find a user").fill(member.email)
    expect(members.get_by_label("User to add").locator("option")).to_have_count(2)
    members.get_by_label("User to add").select_option(label=f"{member.email} ({member.email})")
    members.get_by_role("button", name="Add member").click()
    row = members.locator("tr").filter(has_text=member.email)
    expect(row).to_be_visible()
    row.get_by_role("combobox").select_option("admin")
    expect(page.get_by_text("Role changed.")).to_be_visible()
    page.screenshot(path=shots / "13-projects.png")
    detail = member.http.get(f"/v1/projects/{name}")
    assert detail.status_code == 200, detail.text
    assert any(m["user_id"] == member.id and m["is_project_admin"] for m in detail.json()["members"])


def test_dark_theme_and_keyboard(page: Page, make_user: Callable[..., TestUser], shots: Path) -> None:
    user = make_user("ui-theme")
    sign_in(page, user.email, user.password)
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "light")
    page.get_by_test_id("theme-toggle").click()
    expect(html).to_have_attribute("data-theme", "dark")
    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")
    page.screenshot(path=shots / "14-dark-theme.png")

    # The first Tab reaches the skip link; following it moves focus to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")  # on the chat page, a second skip link: to the message box
    expect(page.get_by_test_id("skip-to-composer")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("nav-chat")).to_be_focused()
    outline = page.get_by_test_id("nav-chat").evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "focused links must show a visible focus ring"
