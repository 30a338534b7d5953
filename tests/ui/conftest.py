"""Browser fixtures: Debian's Chromium driven by Playwright against the session's live server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, expect, sync_playwright

from tests.conftest import TestUser
from tests.support.server import ROOT, LiveServer, start_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LAPTOP: ViewportSize = {"width": 1366, "height": 800}


def chromium_path() -> str:
    """Debian's Chromium; the suite fails loudly without it (no browser download at run time)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium is not installed: apt-get install -y chromium")
    return path


@pytest.fixture(scope="session")
def built_ui() -> Path:
    """The built UI the live server serves at `/` (built by `make ui`)."""
    index = ROOT / "ui" / "dist" / "index.html"
    if not index.is_file():
        raise RuntimeError("ui/dist is missing: run `make ui` (cd ui && npm ci && npm run build) first")
    return index


@pytest.fixture(scope="session")
def slow_llm_server(server_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    """A second `codemill serve` on the same database whose mock LLM pauses between words,
    so a browser can see an answer arrive word by word (the shared server answers instantly)."""
    env = {**server_env, "CODEMILL_LLM__MOCK_TOKEN_DELAY_MS": "40"}
    server = start_server(env, artifacts_dir / "logs" / "ui-slow-llm-server.log")
    yield server
    server.stop()


# Module scope: Playwright's sync API keeps an event loop set on the main thread while it is open, and
# pytest-asyncio cannot run async tests of a later module on that thread until it is closed.
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    b = playwright_driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, built_ui: Path) -> Iterator[Page]:
    """A fresh browser profile (no stored session) at laptop size, with the live server as base URL."""
    context = browser.new_context(base_url=live_server.url, viewport=LAPTOP, color_scheme="light")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def shots(artifacts_dir: Path) -> Path:
    """Where screenshots of each screen are saved for people to look at."""
    path = artifacts_dir / "ui"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def slow_page(browser: Browser, slow_llm_server: LiveServer, built_ui: Path) -> Iterator[Page]:
    """Like `page`, on the server whose answers stream slowly."""
    context = browser.new_context(base_url=slow_llm_server.url, viewport=LAPTOP, color_scheme="light")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def create_assistant(user: TestUser, name: str, **extra: object) -> str:
    """An assistant made through the API (the UI path has its own test)."""
    body = {"name": name, "description": "Made for a UI test", "system_prompt": "Answer briefly.", **extra}
    response = user.http.post("/v1/assistants", json=body)
    assert response.status_code == 200, response.text
    assistant_id: str = response.json()["assistantId"]
    return assistant_id


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the form, as a person would, and wait for the app shell."""
    page.goto("/login")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()
