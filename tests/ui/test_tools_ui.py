"""Tools in the browser: the picker names the integration each toolkit needs, a write tool's call waits
for Allow/Deny in the chat, and files attached in the composer reach the model through read_attached_file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.ui.conftest import create_assistant, sign_in

JIRA_TOOLKIT = [{"toolkit": "Project Management", "tools": [{"name": "generic_jira_tool"}]}]


def test_the_picker_names_the_integration_each_toolkit_needs(page: Page, make_user: Callable[..., TestUser]) -> None:
    user = make_user("ui-picker")
    sign_in(page, user.email, user.password)
    page.get_by_test_id("nav-assistants").click()
    page.get_by_test_id("new-assistant").click()
    expect(page.get_by_test_id("toolkit-needs-Project Management").first).to_have_text("needs a Jira integration")
    expect(page.get_by_test_id("toolkit-needs-Cloud").first).to_have_text("needs a AWS integration")
    expect(page.get_by_test_id("toolkit-needs-Azure DevOps Wiki")).to_have_text("needs a AzureDevOps integration")
    expect(page.get_by_test_id("toolkit-needs-Utilities")).to_have_count(0)


def test_a_write_waits_for_allow_or_deny_in_the_chat(
    page: Page, make_user: Callable[..., TestUser], shots: Path
) -> None:
    user = make_user("ui-approval")
    # The mock model calls the Jira tool with the question as its method: not a GET, so a write that waits.
    assistant_id = create_assistant(user, unique("Jira helper"), toolkits=JIRA_TOOLKIT)
    sign_in(page, user.email, user.password)
    page.goto(f"/chat?assistant={assistant_id}")
    composer = page.get_by_test_id("chat-composer")
    composer.fill("Close the ticket")
    composer.press("Enter")
    approval = page.get_by_test_id("tool-approval")
    expect(approval).to_contain_text("generic_jira_tool", timeout=60_000)
    expect(page.get_by_test_id("tool-approval-args")).to_contain_text('"method": "Close the ticket"')
    page.screenshot(path=shots / "30-tool-approval.png")
    page.get_by_test_id("tool-approval-deny").click()
    answer = page.get_by_test_id("message-assistant").last
    expect(answer).to_have_attribute("data-streaming", "false", timeout=60_000)
    expect(answer).to_contain_text("Tool call was denied by the user.")
    expect(approval).to_have_count(0)

    composer.fill("Reopen the ticket")
    composer.press("Enter")
    expect(page.get_by_test_id("tool-approval")).to_be_visible(timeout=60_000)
    page.get_by_test_id("tool-approval-allow").click()
    answer = page.get_by_test_id("message-assistant").last
    expect(answer).to_have_attribute("data-streaming", "false", timeout=60_000)
    # Allowed, the call really ran: the tool refused the method the mock model made up.
    expect(answer).to_contain_text("must be one of GET, POST, PUT, DELETE, PATCH")


def test_files_attached_in_the_composer_reach_the_model(
    page: Page, make_user: Callable[..., TestUser], tmp_path: Path, shots: Path
) -> None:
    user = make_user("ui-files")
    assistant_id = create_assistant(user, unique("Reader"))
    notes = tmp_path / "notes.txt"
    notes.write_text("The launch moves to Thursday 14:00.")
    (tmp_path / "tool.exe").write_bytes(b"MZ\x90\x00")
    sign_in(page, user.email, user.password)
    page.goto(f"/chat?assistant={assistant_id}")
    page.get_by_test_id("composer-file-input").set_input_files([notes, tmp_path / "tool.exe"])
    files = page.get_by_test_id("composer-files")
    expect(files).to_contain_text("notes.txt")
    expect(page.get_by_test_id("composer-upload-error")).to_contain_text("tool.exe")
    composer = page.get_by_test_id("chat-composer")
    composer.fill("When is the launch, says notes.txt?")
    composer.press("Enter")
    expect(page.get_by_test_id("message-files").last).to_contain_text("notes.txt")
    answer = page.get_by_test_id("message-assistant").last
    expect(answer).to_have_attribute("data-streaming", "false", timeout=60_000)
    expect(answer).to_contain_text("The launch moves to Thursday 14:00.")
    expect(answer).to_contain_text("read_attached_file")
    page.screenshot(path=shots / "31-chat-attachment.png")
