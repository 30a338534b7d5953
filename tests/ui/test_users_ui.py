"""Users in the browser: an administrator adds a user (the server's refusal shown at its field), who signs in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, unique
from tests.ui.conftest import sign_in


def test_an_admin_creates_a_user_who_then_signs_in(page: Page, admin_client: object) -> None:
    email = f"{unique('newcomer')}@codemill.test"
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto("/admin/users")
    page.get_by_test_id("new-user").click()
    page.get_by_test_id("new-user-email").fill(email)
    page.get_by_test_id("new-user-name").fill("New Comer")
    page.get_by_test_id("new-user-password").fill("short")
    page.get_by_test_id("new-user-create").click()
    # The password policy's refusal, next to the password field, once.
    field = page.locator(".field", has=page.get_by_test_id("new-user-password"))
    expect(field.locator(".field-message")).to_contain_text("at least")
    expect(page.get_by_text("Password must be at least")).to_have_count(1)
    page.get_by_test_id("new-user-password").fill("copper kettle walks quietly home")
    page.get_by_test_id("new-user-create").click()
    expect(page.get_by_test_id("new-user-dialog")).to_be_hidden()
    page.get_by_role("searchbox", name="Search users").fill(email)
    expect(page.get_by_test_id("user-list")).to_contain_text(email)

    page.get_by_test_id("sign-out").click()
    sign_in(page, email, "copper kettle walks quietly home")
    expect(page.get_by_test_id("user-name")).to_have_text("New Comer")
