"""Workflows in the web UI, in Chromium, against a live server on the mock LLM: write the YAML, see the
server's validation error next to its line, fix it, see the diagram, run it, edit a finished state's output
and approve the paused state, then abort a second run and delete it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.conftest import TestUser, unique
from tests.ui.conftest import sign_in

BROKEN = """\
assistants:
  - id: writer
    system_prompt: You write short, clear answers.

states:
  - id: draft
    assistant_id: writer
    task: Draft an answer to the request.
    next:
      state_id: reviw
  - id: review
    assistant_id: writer
    interrupt_before: true
    task: Tighten the draft.
    next:
      state_id: end
"""
TYPO_LINE = BROKEN.splitlines().index("      state_id: reviw") + 1


def test_write_validate_draw_run_and_approve_a_workflow(
    page: Page, make_user: Callable[..., TestUser], shots: Path
) -> None:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # Chromium logs every 4xx answer ("Failed to load resource"); the refused save and the
        # signed-out start are expected ones. Anything else the page logs as an error fails the test.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    user = make_user("ui-workflow")
    sign_in(page, user.email, user.password)
    page.get_by_test_id("nav-workflows").click()
    expect(page.get_by_test_id("empty-state")).to_contain_text("No workflows yet")
    page.get_by_test_id("new-workflow").click()
    # A template fills the form and draws its states.
    dialog = page.get_by_test_id("new-workflow-dialog")
    expect(dialog.get_by_test_id("use-template")).not_to_have_count(0)
    dialog.get_by_test_id("use-template").first.click()
    expect(page.get_by_test_id("workflow-yaml")).to_have_value(re.compile(r"states:"))
    expect(page.get_by_test_id("workflow-name")).not_to_have_value("")
    expect(page.get_by_test_id("workflow-diagram-panel").locator("svg")).to_be_visible()

    page.get_by_test_id("nav-workflows").click()
    page.get_by_test_id("new-workflow").click()
    page.get_by_test_id("blank-workflow").click()

    name = unique("Answer flow")
    page.get_by_test_id("workflow-name").fill(name)
    page.get_by_test_id("workflow-description").fill("Drafts an answer, then tightens it once approved")
    page.get_by_test_id("workflow-yaml").fill(BROKEN)
    page.get_by_test_id("workflow-save").click()

    # The server refuses the unknown state; the editor writes its message on the line that names it.
    inline = page.get_by_test_id("yaml-inline-error").filter(has_text="reviw")
    expect(inline).to_have_attribute("data-line", str(TYPO_LINE))
    expect(page.locator(f'[data-testid="yaml-error-line"][data-line="{TYPO_LINE}"]')).to_be_visible()
    expect(page.get_by_test_id("yaml-problems")).to_contain_text(f"Line {TYPO_LINE}")
    expect(page).to_have_url(re.compile(r"/workflows/new$"))
    page.screenshot(path=shots / "30-workflow-invalid.png", full_page=True)
    page.get_by_test_id("theme-toggle").click()
    page.screenshot(path=shots / "30-workflow-invalid-dark.png", full_page=True)
    page.get_by_test_id("theme-toggle").click()

    page.get_by_test_id("workflow-yaml").fill(BROKEN.replace("reviw", "review"))
    expect(page.get_by_test_id("yaml-inline-error")).to_have_count(0)
    diagram = page.get_by_test_id("workflow-diagram-panel").get_by_test_id("mermaid-diagram")
    expect(diagram.locator("svg")).to_be_visible()
    expect(diagram).to_contain_text("draft")
    expect(diagram).to_contain_text("review")
    page.screenshot(path=shots / "31-workflow-diagram.png", full_page=True)

    page.get_by_test_id("workflow-save").click()
    expect(page).to_have_url(re.compile(r"/workflows/[^/]+$"))
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    saved = user.http.get("/v1/workflows", params={"filter_by_user": "true"}).json()["data"]
    assert [w["name"] for w in saved] == [name]

    page.get_by_test_id("tab-runs").click()
    page.get_by_test_id("run-workflow").click()
    page.get_by_test_id("run-input").fill("How do I reset my password?")
    page.get_by_test_id("run-start").click()

    # The run stops before `review`: the first state has finished with the mock LLM's output.
    expect(page.get_by_test_id("execution-status")).to_have_text("Waiting for approval")
    draft = page.locator('[data-testid="execution-state"][data-state="draft"]')
    expect(draft.get_by_test_id("state-status")).to_have_text("Succeeded")
    expect(draft.get_by_test_id("state-output")).not_to_be_empty()
    panel = page.get_by_test_id("approval-panel")
    expect(panel).to_contain_text("review")
    expect(panel.get_by_test_id("approval-task")).to_have_value("Tighten the draft.")
    page.screenshot(path=shots / "32-workflow-approval.png", full_page=True)

    # While it waits, the finished state's output can be corrected before the next state reads it.
    draft.get_by_test_id("state-output-edit-start").click()
    draft.get_by_test_id("state-output-edit").fill("An edited draft: reset it from the sign-in page.")
    draft.get_by_test_id("state-output-save").click()
    expect(draft.get_by_test_id("state-output")).to_have_text("An edited draft: reset it from the sign-in page.")

    panel.get_by_test_id("approve-continue").click()
    expect(page.get_by_test_id("execution-status")).to_have_text("Succeeded")
    review = page.locator('[data-testid="execution-state"][data-state="review"]')
    expect(review.get_by_test_id("state-status")).to_have_text("Succeeded")
    expect(page.get_by_test_id("approval-panel")).to_have_count(0)
    expect(page.get_by_test_id("abort-run")).to_have_count(0)
    page.screenshot(path=shots / "33-workflow-run.png", full_page=True)

    draft.get_by_text("Thoughts (1)").click()
    expect(draft.get_by_test_id("state-thought")).to_contain_text("Draft an answer to the request.")

    page.get_by_role("link", name="All runs").click()
    expect(page.get_by_test_id("execution-row")).to_have_count(1)
    expect(page.get_by_test_id("execution-row")).to_contain_text("Succeeded")

    # A second run, stopped while it waits for approval.
    page.get_by_test_id("run-workflow").click()
    page.get_by_test_id("run-start").click()
    expect(page.get_by_test_id("execution-status")).to_have_text("Waiting for approval")
    page.get_by_test_id("abort-run").click()
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("execution-status")).to_have_text("Aborted")
    expect(page.get_by_test_id("approval-panel")).to_have_count(0)
    page.get_by_role("link", name="All runs").click()
    expect(page.get_by_test_id("execution-row")).to_have_count(2)
    aborted = page.get_by_test_id("execution-row").filter(has_text="Aborted")
    expect(aborted).to_have_count(1)
    aborted.get_by_test_id("execution-delete").click()
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("execution-row")).to_have_count(1)
    expect(page.get_by_test_id("execution-row")).to_contain_text("Succeeded")
    assert errors == [], errors
