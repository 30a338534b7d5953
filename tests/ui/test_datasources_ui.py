"""Datasources in the browser: upload a document, watch indexing finish, ask about it and see it quoted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.ui.conftest import sign_in

FACT = "The Codemill office cat is named Pixel and she sleeps on the blue sofa."
DOCUMENT = f"""# Office handbook

Welcome to the office. {FACT}

Lunch is served at noon on Fridays. Visitors sign in at the front desk.
"""


def test_upload_index_and_quote(page: Page, make_user: Callable[..., TestUser], tmp_path: Path, shots: Path) -> None:
    user = make_user("ui-datasource")
    doc = tmp_path / "handbook.md"
    doc.write_text(DOCUMENT)
    name = "handbook_" + unique("ds").split("-")[1].translate(str.maketrans("0123456789", "abcdefghij"))

    sign_in(page, user.email, user.password)
    page.get_by_test_id("nav-datasources").click()
    page.get_by_test_id("new-datasource").click()
    page.get_by_test_id("datasource-name").fill(name)
    page.get_by_test_id("datasource-description").fill("The office handbook")
    page.get_by_test_id("datasource-file-input").set_input_files(str(doc))
    expect(page.get_by_text("handbook.md")).to_be_visible()
    page.screenshot(path=shots / "09-datasource-form.png")
    page.get_by_test_id("datasource-save").click()

    row = page.get_by_test_id("datasource-row").filter(has_text=name)
    expect(row.get_by_test_id("datasource-progress")).to_be_visible()
    expect(row.get_by_test_id("datasource-status")).to_have_attribute("data-state", "done", timeout=120_000)
    expect(row.get_by_test_id("datasource-progress")).to_have_attribute("aria-valuenow", "100")
    page.screenshot(path=shots / "10-datasources.png")

    # An assistant that uses the datasource, made in the form.
    assistant = unique("Handbook bot")
    page.get_by_test_id("nav-assistants").click()
    page.get_by_test_id("new-assistant").click()
    page.get_by_test_id("assistant-name").fill(assistant)
    page.get_by_test_id("assistant-description").fill("Answers from the office handbook")
    page.get_by_test_id("assistant-system-prompt").fill("Answer from the handbook and quote it.")
    page.get_by_test_id(f"context-{name}").check()
    page.get_by_test_id("assistant-save").click()
    expect(page.get_by_test_id("assistant-card").filter(has_text=assistant)).to_be_visible()
    saved = next(
        a for a in user.http.get("/v1/assistants", params={"per_page": 100}).json()["data"] if a["name"] == assistant
    )
    assert [c["name"] for c in saved["context"]] == [name]
    page.get_by_test_id("assistant-card").filter(has_text=assistant).get_by_test_id("start-chat").click()

    page.get_by_test_id("chat-composer").fill("What is the name of the office cat?")
    page.get_by_test_id("chat-composer").press("Enter")
    answer = page.get_by_test_id("message-assistant").last
    expect(answer).to_have_attribute("data-streaming", "false", timeout=60_000)
    expect(answer.get_by_test_id("thought").first).to_be_visible()
    expect(answer.locator(".markdown")).to_contain_text("Pixel")
    expect(answer.locator(".markdown blockquote").first).to_contain_text("office cat is named Pixel")
    page.screenshot(path=shots / "11-chat-with-datasource.png")
