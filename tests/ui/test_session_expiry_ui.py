"""A session that ends mid-chat: the re-login dialog appears over the page, and the typed message survives it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.support.server import LiveServer
from tests.ui.conftest import create_assistant, sign_in

TOKEN_KEY = "codemill.token"


def _revoke_browser_token(page: Page, server: LiveServer) -> str:
    """Revoke the token the page holds, on the server (as a sign-out elsewhere would); returns it."""
    token = page.evaluate(f"() => localStorage.getItem('{TOKEN_KEY}')")
    assert isinstance(token, str) and token
    bearer = {"Authorization": f"Bearer {token}"}
    revoked = httpx.post(f"{server.url}/v1/local-auth/logout", headers=bearer, timeout=30)
    assert revoked.status_code == 200, revoked.text
    assert httpx.get(f"{server.url}/v1/user", headers=bearer, timeout=30).status_code == 401
    return token


def test_expiry_keeps_the_typed_message_and_sends_it_after_signing_in_again(
    page: Page, live_server: LiveServer, make_user: Callable[..., TestUser], shots: Path
) -> None:
    user = make_user("ui-expiry")
    assistant_id = create_assistant(user, unique("Patient"))
    sign_in(page, user.email, user.password)
    page.goto(f"/chat?assistant={assistant_id}")
    expect(page.get_by_test_id("assistant-picker")).to_have_value(assistant_id)
    composer = page.get_by_test_id("chat-composer")
    dialog = page.get_by_test_id("relogin-dialog")

    # First in a new chat (the 401 answers the conversation's creation), then in the conversation
    # just made (the 401 answers the chat call itself).
    messages = ["Remember this question about the harbour tides", "And this second one about the lighthouse"]
    for turn, message in enumerate(messages, start=1):
        composer.fill(message)
        old_token = _revoke_browser_token(page, live_server)

        page.get_by_test_id("chat-send").click()
        expect(dialog).to_be_visible()
        expect(composer).to_have_value(message)
        expect(page.get_by_test_id("message-user")).to_have_count(turn - 1)
        if turn == 1:
            page.screenshot(path=shots / "09-session-expired.png")

        expect(dialog.get_by_test_id("login-email")).to_have_value(user.email)
        dialog.get_by_test_id("login-password").fill(user.password)
        dialog.get_by_test_id("login-submit").click()
        expect(dialog).to_be_hidden()
        expect(composer).to_have_value(message)
        assert page.evaluate(f"() => localStorage.getItem('{TOKEN_KEY}')") not in (None, old_token)

        # And it sends, under the new session.
        page.get_by_test_id("chat-send").click()
        expect(page.get_by_test_id("message-user")).to_have_count(turn)
        expect(page.get_by_test_id("message-user").last).to_have_text(message)
        answer = page.get_by_test_id("message-assistant").last
        expect(answer).to_have_attribute("data-streaming", "false", timeout=60_000)
        expect(answer).to_contain_text(message)  # the mock model echoes the question
        expect(composer).to_have_value("")

    conversations = user.http.get("/v1/conversations").json()
    assert len(conversations) == 1 and conversations[0]["name"].startswith(messages[0][:20]), conversations
    history = user.http.get(f"/v1/conversations/{conversations[0]['id']}").json()["history"]
    assert [h["message"] for h in history if h["role"].lower() == "user"] == messages
