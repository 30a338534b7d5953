"""Chat in the browser: the answer streams in, thoughts show, stop and regenerate work, the list keeps it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.ui.conftest import create_assistant, sign_in

# Records, for the newest answer, every text length seen while it was marked as streaming.
WATCH_STREAM = """
() => {
  window.__stream = { streamingSeen: false, partialLengths: [] };
  const observe = () => {
    const answers = document.querySelectorAll('[data-testid="message-assistant"]');
    const last = answers[answers.length - 1];
    if (!last) return;
    if (last.getAttribute('data-streaming') === 'true') {
      window.__stream.streamingSeen = true;
      const len = (last.querySelector('.markdown')?.textContent || '').length;
      const seen = window.__stream.partialLengths;
      if (len > 0 && seen[seen.length - 1] !== len) seen.push(len);
    }
  };
  new MutationObserver(observe).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}
"""


def test_answer_streams_in_and_the_conversation_is_kept(
    slow_page: Page, make_user: Callable[..., TestUser], shots: Path
) -> None:
    page = slow_page
    user = make_user("ui-chat")
    name = unique("Chatty")
    assistant_id = create_assistant(user, name)
    sign_in(page, user.email, user.password)
    page.goto(f"/chat?assistant={assistant_id}")
    expect(page.get_by_test_id("assistant-picker")).to_have_value(assistant_id)
    page.evaluate(WATCH_STREAM)

    question = "What is the capital of the moon base?"
    composer = page.get_by_test_id("chat-composer")
    composer.fill(question)
    composer.press("Enter")
    expect(page.get_by_test_id("message-user").last).to_have_text(question)
    answer = page.get_by_test_id("message-assistant").last
    expect(answer).to_have_attribute("data-streaming", "false", timeout=60_000)
    final = answer.locator(".markdown").inner_text()
    assert question in final  # the mock model echoes the question

    stream = page.evaluate("window.__stream")
    assert stream["streamingSeen"], "the answer was never shown while streaming"
    partial = stream["partialLengths"]
    assert len(partial) >= 2 and partial[0] < len(final), f"text did not grow while streaming: {partial}"

    expect(page).to_have_url(re.compile(r"/chat/[^/?]+$"))
    conversation_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("conversation-list")).to_contain_text(question[:20])
    page.screenshot(path=shots / "05-chat.png")

    # Regenerate replaces the last answer with a new one.
    answer.get_by_test_id("regenerate").click()
    expect(page.get_by_test_id("message-assistant")).to_have_count(1)
    expect(page.get_by_test_id("message-assistant").last).to_have_attribute("data-streaming", "false", timeout=60_000)

    # Reloading shows the saved conversation.
    page.reload()
    expect(page.get_by_test_id("message-user").first).to_have_text(question)
    expect(page.get_by_test_id("message-assistant").first).to_contain_text(question)
    detail = user.http.get(f"/v1/conversations/{conversation_id}").json()
    assert [h["role"].lower() for h in detail["history"]][:2] == ["user", "assistant"]


def test_stop_keeps_the_partial_answer(slow_page: Page, make_user: Callable[..., TestUser]) -> None:
    page = slow_page
    user = make_user("ui-stop")
    assistant_id = create_assistant(user, unique("Talker"))
    sign_in(page, user.email, user.password)
    page.goto(f"/chat?assistant={assistant_id}")
    composer = page.get_by_test_id("chat-composer")
    composer.fill(" ".join(["Please repeat this long question back to me"] * 8))
    page.get_by_test_id("chat-send").click()
    answer = page.get_by_test_id("message-assistant").last
    expect(answer.locator(".markdown")).not_to_be_empty()
    page.get_by_test_id("chat-stop").click()
    expect(answer).to_have_attribute("data-streaming", "false")
    expect(answer).to_contain_text("stopped")
    expect(page.get_by_test_id("chat-send")).to_be_visible()


def test_conversations_search_rename_and_delete(page: Page, make_user: Callable[..., TestUser], shots: Path) -> None:
    user = make_user("ui-convs")
    assistant_id = create_assistant(user, unique("Keeper"))
    sign_in(page, user.email, user.password)
    page.goto(f"/chat?assistant={assistant_id}")
    for text in ("First topic about apples", "Second topic about pears"):
        page.get_by_test_id("new-chat").click()
        page.get_by_test_id("chat-composer").fill(text)
        page.get_by_test_id("chat-composer").press("Enter")
        expect(page.get_by_test_id("message-assistant").last).to_have_attribute(
            "data-streaming", "false", timeout=60_000
        )

    panel = page.get_by_test_id("conversation-list")
    page.get_by_test_id("conversation-search").fill("pears")
    expect(panel.locator(".conv-item")).to_have_count(1)
    page.get_by_test_id("conversation-search").fill("")

    item = panel.locator(".conv-item").filter(has_text="apples")
    item.hover()
    item.get_by_role("button", name=re.compile("^Rename")).click()
    page.get_by_test_id("rename-input").fill("Fruit planning")
    page.get_by_test_id("rename-save").click()
    expect(panel).to_contain_text("Fruit planning")
    page.screenshot(path=shots / "06-conversations.png")

    item = panel.locator(".conv-item").filter(has_text="Fruit planning")
    item.hover()
    item.get_by_role("button", name=re.compile("^Delete")).click()
    page.get_by_test_id("confirm-button").click()
    expect(panel).not_to_contain_text("Fruit planning")
    names = [c["name"] for c in user.http.get("/v1/conversations").json()]
    assert "Fruit planning" not in names
