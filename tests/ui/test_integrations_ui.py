"""Integrations in the browser: a secret is masked and never shown again; a plugin key is shown once."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.support.server import LiveServer
from tests.ui.conftest import sign_in


def test_integration_secret_is_masked_after_saving(
    page: Page, make_user: Callable[..., TestUser], live_server: LiveServer, shots: Path
) -> None:
    user = make_user("ui-integration")
    secret = "ghp_" + unique("tok").replace("-", "") + "SeCrEt"
    alias = unique("Git")
    sign_in(page, user.email, user.password)
    page.get_by_test_id("nav-integrations").click()
    page.get_by_test_id("new-integration").click()
    dialog = page.get_by_test_id("integration-dialog")
    dialog.get_by_test_id("integration-type").select_option("Git")
    dialog.get_by_test_id("integration-alias").fill(alias)
    dialog.get_by_test_id("integration-field-url").fill(f"{live_server.url}/no-such-repo.git")
    field = dialog.get_by_test_id("integration-secret")
    expect(field).to_have_attribute("type", "password")
    field.fill(secret)

    dialog.get_by_test_id("integration-test").click()
    expect(dialog.get_by_test_id("integration-test-result")).to_be_visible(timeout=60_000)
    page.screenshot(path=shots / "07-integration-form.png")
    dialog.get_by_test_id("integration-save").click()

    row = page.get_by_test_id("integration-row").filter(has_text=alias)
    expect(row.get_by_test_id("integration-secret-masked")).to_have_text("••••••••")
    assert secret not in page.content()
    page.screenshot(path=shots / "08-integrations.png")

    row.get_by_role("button", name="Edit").click()
    edit = page.get_by_test_id("integration-dialog")
    expect(edit.get_by_test_id("integration-secret")).to_have_value("")
    expect(edit.get_by_test_id("integration-field-url")).to_have_value(f"{live_server.url}/no-such-repo.git")
    edit.get_by_role("button", name="Cancel").click()

    listed = user.http.get("/v1/settings/user").json()["data"]
    saved = next(i for i in listed if i["alias"] == alias)
    token = next(v["value"] for v in saved["credential_values"] if v["key"] == "token")
    assert token != secret


def test_plugin_key_is_shown_once_with_the_start_command(page: Page, make_user: Callable[..., TestUser]) -> None:
    user = make_user("ui-plugin")
    sign_in(page, user.email, user.password)
    page.goto("/integrations")
    page.get_by_test_id("new-integration").click()
    dialog = page.get_by_test_id("integration-dialog")
    dialog.get_by_test_id("integration-type").select_option("Plugin")
    dialog.get_by_test_id("integration-alias").fill(unique("laptop"))
    dialog.get_by_test_id("integration-save").click()

    shown = page.get_by_test_id("plugin-key-dialog")
    key = shown.get_by_test_id("plugin-key").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,128}", key)
    expect(shown.get_by_test_id("plugin-command")).to_contain_text(f"PLUGIN_KEY={key}")
    shown.get_by_test_id("copy-plugin-key").click()
    expect(shown.get_by_test_id("copy-plugin-key")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == key
    shown.get_by_role("button", name="I have copied it").click()
    expect(shown).to_be_hidden()
    assert key not in page.content()
