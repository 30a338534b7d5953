"""Languages in the browser: switch to German, the navigation and the chat are German, dates are in German
format, the choice survives a reload, and switching back restores English."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.ui.conftest import create_assistant, sign_in


def test_german_is_switched_on_remembered_and_switched_off(page: Page, make_user: Callable[..., TestUser]) -> None:
    user = make_user("ui-i18n")
    name = unique("Sprachhilfe")
    create_assistant(user, name)
    sign_in(page, user.email, user.password)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("nav-assistants")).to_have_text("Assistants")
    expect(page.get_by_test_id("language-picker")).to_have_value("en")

    page.get_by_test_id("language-picker").select_option("de")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_test_id("nav-assistants")).to_have_text("Assistenten")
    expect(page.get_by_test_id("nav-datasources")).to_have_text("Datenquellen")
    expect(page.get_by_test_id("sign-out")).to_have_text("Abmelden")

    # The chat page in German: the list, the composer and the empty conversation.
    page.get_by_test_id("nav-chat").click()
    expect(page.get_by_test_id("new-chat")).to_have_text("+ Neuer Chat")
    expect(page.get_by_test_id("chat-send")).to_have_text("Senden")
    expect(page.get_by_test_id("chat-composer")).to_have_attribute("placeholder", re.compile(r"^Frag etwas"))
    expect(page.get_by_test_id("empty-state")).to_contain_text(f"Chat mit {name}")
    page.get_by_test_id("chat-composer").fill("Hallo")
    page.get_by_test_id("chat-send").click()
    answer = page.get_by_test_id("message-assistant")
    expect(answer).to_have_attribute("data-streaming", "false")
    expect(answer).to_have_attribute("aria-label", f"Antwort von {name}")
    expect(page.get_by_test_id("regenerate")).to_have_text("Neu erzeugen")

    # A date in German format (day.month.year) on the profile page.
    page.get_by_test_id("nav-profile").click()
    page.get_by_test_id("api-key-name").fill("Sprachtest")
    page.get_by_test_id("api-key-create").click()
    created_at = page.get_by_test_id("api-key-created-at")
    expect(created_at).to_have_text(re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}, \d{2}:\d{2}:\d{2}$"))
    expect(page.get_by_test_id("api-key-create")).to_have_text("Schlüssel erstellen")

    # Remembered across a reload.
    page.reload()
    expect(page.get_by_test_id("nav-assistants")).to_have_text("Assistenten")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_test_id("language-picker")).to_have_value("de")

    # And back to English, dates included.
    page.get_by_test_id("language-picker").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("nav-assistants")).to_have_text("Assistants")
    expect(created_at).to_have_text(re.compile(r"^\d{1,2}/\d{1,2}/\d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$"))
    page.reload()
    expect(page.get_by_test_id("nav-chat")).to_have_text("Chat")
    expect(page.get_by_test_id("sign-out")).to_have_text("Sign out")
