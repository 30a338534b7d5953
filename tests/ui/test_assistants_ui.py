"""Sign in and create an assistant through the web UI, in Chromium, against a live server."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.ui.conftest import sign_in


def test_sign_in_rejects_a_wrong_password_then_opens_chat(
    page: Page, make_user: Callable[..., TestUser], shots: Path
) -> None:
    user = make_user("ui-signin")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_test_id("login-email")).to_be_visible()
    page.screenshot(path=shots / "01-sign-in.png")

    page.get_by_test_id("login-email").fill(user.email)
    page.get_by_test_id("login-password").fill("not-the-password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("do not match")

    page.get_by_test_id("login-password").fill(user.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/chat"))
    expect(page.get_by_text("No assistants yet")).to_be_visible()
    page.screenshot(path=shots / "02-chat-empty.png")


def test_create_assistant_in_the_form(page: Page, make_user: Callable[..., TestUser], shots: Path) -> None:
    user = make_user("ui-assistant")
    sign_in(page, user.email, user.password)
    page.get_by_test_id("nav-assistants").click()
    page.get_by_test_id("new-assistant").click()
    form = page.get_by_test_id("assistant-form")
    expect(form).to_be_visible()
    page.get_by_test_id("assistant-save").click()
    expect(form).to_contain_text("Give the assistant a name.")

    name = unique("Helper")
    page.get_by_test_id("assistant-name").fill(name)
    page.get_by_test_id("assistant-description").fill("Answers questions about the team")
    page.get_by_test_id("assistant-system-prompt").fill("You are a helpful assistant for {{team}}.")
    expect(page.get_by_test_id("prompt-variables")).to_contain_text("{{team}}")
    page.get_by_test_id("add-starter").click()
    page.get_by_test_id("assistant-starter-input").fill("What can you do?")
    page.screenshot(path=shots / "03-assistant-form.png", full_page=True)
    page.get_by_test_id("assistant-save").click()

    card = page.get_by_test_id("assistant-card").filter(has_text=name)
    expect(card).to_be_visible()
    page.screenshot(path=shots / "04-assistants.png")

    listed = user.http.get("/v1/assistants", params={"per_page": 100}).json()["data"]
    saved = next(a for a in listed if a["name"] == name)
    assert saved["system_prompt"] == "You are a helpful assistant for {{team}}."
    assert saved["conversation_starters"] == ["What can you do?"]
    assert [v["key"] for v in saved.get("prompt_variables") or []] == ["team"]

    card.get_by_test_id("start-chat").click()
    expect(page.get_by_test_id("assistant-picker")).to_have_value(saved["id"])
    expect(page.get_by_test_id("starter")).to_have_text("What can you do?")
