"""Conversation editing in the browser: answer versions, edited questions as branches, the stopped mark
kept; after a reload the page shows what the history API holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.support.waiting import wait_until
from tests.ui.conftest import create_assistant, sign_in


def _ask(page: Page, text: str) -> None:
    composer = page.get_by_test_id("chat-composer")
    composer.fill(text)
    composer.press("Enter")
    expect(page.get_by_test_id("message-user").last).to_have_text(text)
    expect(page.get_by_test_id("message-assistant").last).to_have_attribute("data-streaming", "false")


def _history(user: TestUser, conversation_id: str) -> list[dict[str, Any]]:
    response = user.http.get(f"/v1/conversations/{conversation_id}")
    assert response.status_code == 200, response.text
    history: list[dict[str, Any]] = response.json()["history"]
    return history


def _shown(page: Page) -> list[str]:
    return [m.inner_text().strip() for m in page.locator(".user-text, .message-assistant .markdown").all()]


def test_regenerate_keeps_versions_and_an_edit_starts_a_branch(page: Page, make_user: Callable[..., TestUser]) -> None:
    user = make_user("ui-versions")
    assistant_id = create_assistant(user, unique("Versioned"))
    sign_in(page, user.email, user.password)
    page.goto(f"/chat?assistant={assistant_id}")
    _ask(page, "alpha question")
    _ask(page, "beta question")
    conversation_id = page.url.rsplit("/", 1)[1]

    # Regenerate twice: the answer becomes version 3 of 3, and nothing is duplicated.
    for version in ("2 / 2", "3 / 3"):
        page.get_by_test_id("regenerate").click()
        last = page.get_by_test_id("message-assistant").last
        expect(last.get_by_test_id("version-label")).to_have_text(version)
        expect(last).to_have_attribute("data-streaming", "false")
    expect(page.get_by_test_id("message-user")).to_have_count(2)

    # After a reload: the same two turns, the newest version shown; the older ones a click away.
    page.reload()
    expect(page.get_by_test_id("message-assistant").last.get_by_test_id("version-label")).to_have_text("3 / 3")
    expect(page.get_by_test_id("message-user")).to_have_count(2)
    page.get_by_test_id("version-prev").click()
    page.get_by_test_id("version-prev").click()
    expect(page.get_by_test_id("version-label")).to_have_text("1 / 3")

    # The history API holds the same: three versions of the second turn, each following the first answer.
    history = _history(user, conversation_id)
    first_answer = history[1]
    second = [h for h in history if h["historyIndex"] == 1]
    assert [h["role"] for h in second] == ["User", "Assistant"] * 3
    assert {h["parentId"] for h in second if h["role"] == "User"} == {first_answer["id"]}
    assert _shown(page) == [history[0]["message"], first_answer["message"], second[0]["message"], second[1]["message"]]

    # Edit the first question and resend: a new branch, with only its own turn.
    page.get_by_test_id("edit-message").first.click()
    page.get_by_test_id("edit-text").fill("gamma question")
    page.get_by_test_id("edit-send").click()
    answer = page.get_by_test_id("message-assistant").last
    expect(answer.get_by_test_id("version-label")).to_have_text("2 / 2")
    expect(answer).to_have_attribute("data-streaming", "false")
    expect(page.get_by_test_id("message-user")).to_have_count(1)
    expect(page.get_by_test_id("message-user")).to_have_text("gamma question")

    # Reload: the edited branch shows; the first version brings back the old branch with its later turns.
    page.reload()
    expect(page.get_by_test_id("message-user")).to_have_count(1)
    expect(page.get_by_test_id("message-user")).to_have_text("gamma question")
    page.get_by_test_id("version-prev").click()
    expect(page.get_by_test_id("message-user")).to_have_count(2)
    expect(page.get_by_test_id("message-user").first).to_have_text("alpha question")
    expect(page.get_by_test_id("message-assistant").last.get_by_test_id("version-label")).to_have_text("3 / 3")
    history = _history(user, conversation_id)
    assert len(history) == 10
    edited = [h for h in history if h["message"] == "gamma question"]
    assert len(edited) == 1 and edited[0]["historyIndex"] == 0 and edited[0]["parentId"] is None

    # Continuing in the old branch: the new turn follows the answer shown, not the newest one.
    _ask(page, "delta question")
    expect(page.get_by_test_id("message-user")).to_have_count(3)
    history = _history(user, conversation_id)
    delta = next(h for h in history if h["message"] == "delta question")
    assert delta["historyIndex"] == 2 and delta["parentId"] == second[-1]["id"]
    page.reload()
    page.get_by_test_id("version-prev").first.click()
    expect(page.get_by_test_id("message-user")).to_have_count(3)


def test_a_stopped_answer_is_still_marked_after_a_reload(slow_page: Page, make_user: Callable[..., TestUser]) -> None:
    page = slow_page
    user = make_user("ui-stop-reload")
    assistant_id = create_assistant(user, unique("Stopper"))
    sign_in(page, user.email, user.password)
    page.goto(f"/chat?assistant={assistant_id}")
    page.get_by_test_id("chat-composer").fill(" ".join(["Please repeat this long question back to me"] * 8))
    page.get_by_test_id("chat-send").click()
    answer = page.get_by_test_id("message-assistant").last
    expect(answer.locator(".markdown")).not_to_be_empty()
    page.get_by_test_id("chat-stop").click()
    expect(answer.get_by_test_id("stopped-badge")).to_be_visible()
    conversation_id = page.url.rsplit("/", 1)[1]
    # The server stores the stop as the client goes away: wait for it, then reload.
    wait_until(
        lambda: _history(user, conversation_id)[-1]["status"] == "interrupted",
        what="the stopped answer stored as interrupted",
    )
    page.reload()
    answer = page.get_by_test_id("message-assistant").last
    expect(answer.get_by_test_id("stopped-badge")).to_be_visible()
    stored = _history(user, conversation_id)[-1]["message"]
    assert stored and answer.locator(".markdown").inner_text().strip() == stored.strip()
