"""Daily use in the browser: sign-in returns only its own user to a page, server validation next to the
field, plain-text titles in labelled folder groups, and the phone and tablet layouts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.conftest import TestUser, unique
from tests.support.server import LiveServer
from tests.ui.conftest import create_assistant, sign_in

PHONE: ViewportSize = {"width": 390, "height": 844}
TABLET: ViewportSize = {"width": 768, "height": 1024}


def _chat(user: TestUser, assistant_id: str, text: str, conversation_id: str) -> None:
    body = {"text": text, "conversation_id": conversation_id}
    response = user.http.post(f"/v1/assistants/{assistant_id}/model", json=body)
    assert response.status_code == 200, response.text


def test_sign_in_returns_only_the_same_user_to_their_page(page: Page, make_user: Callable[..., TestUser]) -> None:
    first, second = make_user("ui-return-a"), make_user("ui-return-b")
    assistant_id = create_assistant(first, unique("Private"))
    conversation = f"return-{first.id[:8]}"
    _chat(first, assistant_id, "my own question", conversation)
    sign_in(page, first.email, first.password)
    page.goto(f"/chat/{conversation}")
    expect(page.get_by_test_id("message-user")).to_have_text("my own question")
    page.get_by_test_id("sign-out").click()
    expect(page.get_by_test_id("login-email")).to_be_visible()
    # Another user signs in on the same tab: chat, not the first user's conversation.
    page.get_by_test_id("login-email").fill(second.email)
    page.get_by_test_id("login-password").fill(second.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()
    expect(page).to_have_url(f"{page.url.split('/chat')[0]}/chat")
    # The same user signing in again returns to where they were.
    page.goto("/assistants")
    page.get_by_test_id("sign-out").click()
    page.get_by_test_id("login-email").fill(second.email)
    page.get_by_test_id("login-password").fill(second.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()
    expect(page).to_have_url(f"{page.url.split('/assistants')[0]}/assistants")


def test_server_validation_shows_next_to_its_field_once(page: Page, make_user: Callable[..., TestUser]) -> None:
    user = make_user("ui-field-errors")
    sign_in(page, user.email, user.password)
    page.goto("/assistants/new")
    page.get_by_test_id("assistant-name").fill(unique("Verbose"))
    page.get_by_test_id("assistant-description").fill("x" * 10_001)  # the server's limit is 10,000
    page.get_by_test_id("assistant-system-prompt").fill("Answer.")
    page.get_by_test_id("assistant-save").click()
    field = page.locator(".field", has=page.get_by_test_id("assistant-description"))
    expect(field.locator(".field-message")).to_contain_text("10000")
    expect(page.get_by_text("10000 characters")).to_have_count(1)  # said once, not also in a box or toast
    expect(page.locator("body")).not_to_contain_text("[{")  # no raw JSON anywhere


def test_titles_are_plain_text_and_folder_groups_are_labelled(page: Page, make_user: Callable[..., TestUser]) -> None:
    user = make_user("ui-folders")
    assistant_id = create_assistant(user, unique("Filer"))
    _chat(user, assistant_id, "# Plan the **deploy** with `make`", f"md-{user.id[:8]}")
    _chat(user, assistant_id, "filed question", f"filed-{user.id[:8]}")
    assert user.http.post("/v1/conversations/folder", json={"folder": "Work"}).status_code == 200
    assert user.http.put(f"/v1/conversations/filed-{user.id[:8]}", json={"folder": "Work"}).status_code == 200
    sign_in(page, user.email, user.password)
    page.goto("/chat")
    conversations = page.get_by_test_id("conversation-list")
    expect(conversations.get_by_role("link", name="Plan the deploy with make")).to_be_visible()
    expect(conversations).not_to_contain_text("**")
    expect(page.get_by_test_id("no-folder-label")).to_have_text("Not in a folder")
    toggle = page.get_by_test_id("folder-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    arrow = toggle.locator(".folder-arrow")
    expect(arrow).to_have_css("transform", re.compile(r"matrix\(\S+, 1, -1, \S+, 0, 0\)"))  # turned 90°
    expect(conversations.get_by_role("link", name="filed question")).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(arrow).to_have_css("transform", "none")
    expect(conversations.get_by_role("link", name="filed question")).to_have_count(0)


@pytest.fixture(params=[PHONE, TABLET], ids=["phone", "tablet"])
def small_page(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer, built_ui: Path
) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport=request.param, color_scheme="light")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def _in_view(page: Page, test_id: str) -> None:
    box = page.get_by_test_id(test_id).bounding_box()
    viewport = page.viewport_size
    assert box and viewport, test_id
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (test_id, box, viewport)


def test_phone_and_tablet_layouts_use_drawers_and_keep_the_composer_in_view(
    small_page: Page, make_user: Callable[..., TestUser]
) -> None:
    page = small_page
    user = make_user("ui-small")
    assistant_id = create_assistant(user, unique("Pocket"))
    conversation = f"small-{user.id[:8]}"
    for n in range(6):
        _chat(user, assistant_id, f"question number {n} " + "with some words " * 20, conversation)
    _chat(user, assistant_id, "the other conversation", f"other-{user.id[:8]}")

    page.goto("/login")
    page.get_by_test_id("login-email").fill(user.email)
    page.get_by_test_id("login-password").fill(user.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("nav-toggle")).to_be_visible()
    page.goto(f"/chat/{conversation}")
    expect(page.get_by_test_id("message-assistant").last).to_be_visible()
    # The navigation is one short header line; the drawers are closed; the message box is in view.
    header = page.get_by_role("navigation", name="Main").bounding_box()
    assert header and header["height"] <= 60, header
    expect(page.get_by_test_id("nav-assistants")).to_be_hidden()
    expect(page.get_by_test_id("conversation-list")).to_be_hidden()
    _in_view(page, "chat-composer")

    # The conversation drawer: open, pick the other conversation, closed again with the composer in view.
    page.get_by_test_id("conversations-toggle").click()
    expect(page.get_by_test_id("conversation-list")).to_be_visible()
    page.get_by_test_id("conversation-list").get_by_role("link", name="the other conversation").click()
    expect(page.get_by_test_id("message-user")).to_have_text("the other conversation")
    expect(page.get_by_test_id("conversation-list")).to_be_hidden()
    _in_view(page, "chat-composer")

    # The navigation drawer: open, go to assistants, closed on arrival; Escape closes it too.
    page.get_by_test_id("nav-toggle").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()
    page.get_by_test_id("nav-assistants").click()
    expect(page).to_have_url(f"{page.url.split('/assistants')[0]}/assistants")
    expect(page.get_by_test_id("nav-assistants")).to_be_hidden()
    page.get_by_test_id("nav-toggle").click()
    expect(page.get_by_test_id("nav-chat")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("nav-chat")).to_be_hidden()


def test_chat_settings_model_temperature_and_prompt_are_remembered_per_conversation(
    page: Page, make_user: Callable[..., TestUser]
) -> None:
    user = make_user("ui-chat-settings")
    assistant_id = create_assistant(user, unique("Tunable"), system_prompt="Answer in haiku, always.")
    sign_in(page, user.email, user.password)
    page.goto(f"/chat?assistant={assistant_id}")
    page.get_by_test_id("chat-settings").locator("summary").click()
    expect(page.get_by_test_id("assistant-prompt")).to_have_text("Answer in haiku, always.")
    model = page.get_by_test_id("chat-model")
    expect(model.locator("option")).not_to_have_count(0)
    expect(model).to_have_value("mock")
    expect(model.locator("option:checked")).to_contain_text("assistant default")
    page.get_by_test_id("chat-temperature").fill("1.3")
    bodies: list[str] = []
    page.on("request", lambda r: r.url.endswith("/model") and bodies.append(r.post_data or ""))
    composer = page.get_by_test_id("chat-composer")
    composer.fill("a warm answer, please")
    composer.press("Enter")
    expect(page.get_by_test_id("message-assistant").last).to_have_attribute("data-streaming", "false")
    assert bodies and '"temperature":1.3' in bodies[0], bodies
    conversation = page.url.rsplit("/", 1)[1]
    detail = user.http.get(f"/v1/conversations/{conversation}").json()
    assert detail["llm_model"] == "mock"

    # Remembered for this conversation after a reload; a new chat starts from the assistant's settings.
    page.reload()
    page.get_by_test_id("chat-settings").locator("summary").click()
    expect(page.get_by_test_id("chat-temperature")).to_have_value("1.3")
    page.get_by_test_id("new-chat").click()
    expect(page.get_by_test_id("chat-temperature")).not_to_have_value("1.3")
