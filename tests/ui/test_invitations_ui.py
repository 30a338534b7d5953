"""Invitations in the browser: an administrator invites someone (no mail set up, so the dialog shows the
one-time link), copies it; in a fresh browser the invited person opens it, is refused a weak password next
to its field, chooses a good one and lands signed in. The sign-in page offers no account creation while
self-registration is off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, unique
from tests.support.server import LiveServer, start_server
from tests.ui.conftest import LAPTOP, sign_in


def test_invite_set_password_and_sign_in(
    page: Page, browser: Browser, live_server: LiveServer, built_ui: Path, shots: Path
) -> None:
    email = f"{unique('invitee')}@codemill.test"
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto("/admin/users")
    page.get_by_test_id("invite-user").click()
    page.get_by_test_id("invite-email").fill(email)
    page.get_by_test_id("invite-name").fill("Ivy Invited")
    page.get_by_test_id("invite-submit").click()
    expect(page.get_by_test_id("invite-message")).to_contain_text("not configured")
    link = page.get_by_test_id("invite-url").input_value()
    assert link.startswith(live_server.url + "/invite/")
    page.get_by_test_id("invite-copy").click()
    expect(page.get_by_test_id("invite-copy")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.screenshot(path=str(shots / "invite-dialog.png"))
    page.get_by_test_id("invite-done").click()
    page.get_by_role("searchbox", name="Search users").fill(email)
    expect(page.get_by_test_id("user-list")).to_contain_text("invited")

    # The invited person, in a browser of their own.
    context = browser.new_context(viewport=LAPTOP, color_scheme="light")
    try:
        invited = context.new_page()
        invited.set_default_timeout(20_000)
        invited.goto(link)
        expect(invited.get_by_test_id("password-email")).to_have_value(email)
        invited.get_by_test_id("password-new").fill("password1234")
        invited.get_by_test_id("password-repeat").fill("password1234")
        invited.get_by_test_id("password-submit").click()
        field = invited.locator(".field", has=invited.get_by_test_id("password-new"))
        expect(field.locator(".field-message")).to_contain_text("too common")
        invited.get_by_test_id("password-new").fill("velvet harbour climbs slowly")
        invited.get_by_test_id("password-repeat").fill("velvet harbour climbs slowly")
        invited.get_by_test_id("password-submit").click()
        expect(invited.get_by_test_id("user-name")).to_have_text("Ivy Invited")
        assert "/chat" in invited.url

        # The link is spent.
        invited.goto(link)
        expect(invited.get_by_test_id("invite-invalid")).to_contain_text("used or expired")
    finally:
        context.close()


def test_no_account_creation_while_self_registration_is_off(page: Page) -> None:
    with page.expect_response(lambda r: r.url.endswith("/v1/auth/options")) as answered:
        page.goto("/login")
    assert answered.value.json()["self_registration"] is False
    expect(page.get_by_test_id("login-email")).to_be_visible()
    expect(page.get_by_test_id("create-account")).to_have_count(0)


@pytest.fixture(scope="module")
def open_server(server_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    """A second replica with self-registration on."""
    server = start_server(
        {**server_env, "CODEMILL_USERS__SELF_REGISTRATION": "true", "CODEMILL_JOBS__IN_PROCESS": "false"},
        artifacts_dir / "logs" / "ui-open-registration-server.log",
    )
    yield server
    server.stop()


def test_create_an_account_when_self_registration_is_on(
    browser: Browser, open_server: LiveServer, built_ui: Path
) -> None:
    email = f"{unique('selfmade')}@codemill.test"
    context = browser.new_context(base_url=open_server.url, viewport=LAPTOP, color_scheme="light")
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/login")
        page.get_by_test_id("create-account").click()
        page.get_by_test_id("password-email").fill(email)
        page.get_by_test_id("password-name").fill("Sam Selfmade")
        page.get_by_test_id("password-new").fill("amber meadow drifts gently")
        page.get_by_test_id("password-repeat").fill("amber meadow drifts gently")
        page.get_by_test_id("password-submit").click()
        expect(page.get_by_test_id("user-name")).to_have_text("Sam Selfmade")
    finally:
        context.close()
