"""The local renderer: the official `mermaid` package run in Debian's Chromium through Playwright.

Playwright drives a browser already on the machine (`executable_path`; never `playwright install`).
Each diagram renders in a fresh page with every network request refused and Mermaid's strict
security level, so diagram source cannot fetch or run anything.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on first use: Playwright costs ~17 MB in every process that never renders
    from playwright.async_api import Browser, Playwright

from codemill.diagrams.renderer import DiagramError, DiagramFormat
from codemill.errors import Unavailable
from codemill.settings import MermaidSettings

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SOURCE_TREE_SCRIPT = Path(__file__).resolve().parents[3] / "ui" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
_RENDER = """async (code) => {
  mermaid.initialize({startOnLoad: false, securityLevel: "strict", theme: "default"});
  try {
    const {svg} = await mermaid.render("diagram", code);
    return {svg};
  } catch (e) {
    return {error: String(e && e.message ? e.message : e)};
  }
}"""


def chromium_executable(settings: MermaidSettings) -> str:
    """Debian's chromium (settings, then PATH); Unavailable with the fix when missing."""
    found = str(settings.chromium_path) if settings.chromium_path else None
    found = found or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise Unavailable(
            "no Mermaid renderer: Chromium is not installed",
            help="install your distribution's chromium (make chromium), set CODEMILL_MERMAID__CHROMIUM_PATH, "
            "or point CODEMILL_MERMAID__URL at a Mermaid server",
        )
    return found


def mermaid_script(settings: MermaidSettings) -> Path:
    """mermaid.min.js of the `mermaid` npm package (settings, else ui/node_modules beside the source)."""
    path = settings.script_path or SOURCE_TREE_SCRIPT
    if not path.is_file():
        raise Unavailable(
            f"no Mermaid renderer: {path} is missing",
            help="run `cd ui && npm ci` (the mermaid package), set CODEMILL_MERMAID__SCRIPT_PATH, "
            "or point CODEMILL_MERMAID__URL at a Mermaid server",
        )
    return path


class LocalMermaid:
    """One browser, started on first use and shared; a page per diagram."""

    def __init__(self, settings: MermaidSettings) -> None:
        self._settings = settings
        self._lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    async def _ready_browser(self) -> Browser:
        async with self._lock:
            if self._browser is None or not self._browser.is_connected():
                executable = chromium_executable(self._settings)
                mermaid_script(self._settings)
                if self._playwright is None:
                    from playwright.async_api import async_playwright  # first use

                    self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            return self._browser

    async def render(self, code: str, fmt: DiagramFormat) -> bytes:
        from playwright.async_api import Error as PlaywrightError  # first use

        browser = await self._ready_browser()
        context = await browser.new_context(java_script_enabled=True, offline=True)
        try:
            page = await context.new_page()
            await page.route("**/*", lambda route: route.abort())
            page.set_default_timeout(self._settings.timeout_seconds * 1000)
            await page.set_content("<!doctype html><html><body></body></html>")
            await page.add_script_tag(path=str(mermaid_script(self._settings)))
            result = await page.evaluate(_RENDER, code)
            if "error" in result:
                raise DiagramError("Mermaid cannot render this diagram", details=str(result["error"])[:2000])
            svg = str(result["svg"])
            if fmt is DiagramFormat.SVG:
                return svg.encode()
            await page.set_content(f'<!doctype html><html><body style="margin:0;background:#fff">{svg}</body></html>')
            return await page.locator("svg").first.screenshot(type="png")
        except PlaywrightError as exc:
            raise Unavailable(f"the local Mermaid renderer failed: {exc.message}") from exc
        finally:
            await context.close()

    async def aclose(self) -> None:
        async with self._lock:
            if self._browser is not None:
                await self._browser.close()
                self._browser = None
            if self._playwright is not None:
                await self._playwright.stop()
                self._playwright = None
