"""Memory of the web UI showing a 300-message conversation, measured in Chromium.

A real server (fresh embedded PostgreSQL, mock LLM) gets a conversation of 150 questions and answers
(300 messages, Markdown with code blocks) through the chat API. Chromium opens it in the built UI,
scrolls through all of it, collects garbage, and reports the JS heap, DOM size and the renderer
process's memory. Target: the page stays under 150 MB.

Needs the built UI (`make ui`) and Debian's Chromium (`apt-get install -y chromium`).
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psutil
from playwright.sync_api import Page, sync_playwright

from bench.common import ADMIN, bench_server, login, report

ROOT = Path(__file__).resolve().parents[1]
PAIRS = 150
TARGET_MB = 150
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--enable-precise-memory-info",
]


def _question(i: int) -> str:
    """Varied Markdown so the page renders paragraphs, lists and highlighted code, not one string."""
    kinds = [
        f"Question {i}: explain item **{i}** in two sentences.",
        f"Question {i}: review this code\n\n```python\ndef f{i}(x):\n    return [n * {i} for n in range(x)]\n```",
        f"Question {i}: list three steps\n\n- plan {i}\n- build {i}\n- ship {i}",
        f"Question {i}: compare `a{i}` and `b{i}` in a table\n\n| a | b |\n|---|---|\n| {i} | {i + 1} |",
    ]
    return kinds[i % len(kinds)]


def _fill_conversation(url: str, token: str) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        created = http.post(
            "/v1/assistants", json={"name": "Memory bench", "description": "bench", "system_prompt": "Answer."}
        )
        created.raise_for_status()
        assistant_id = created.json()["assistantId"]
        conversation_id = str(uuid.uuid4())
        for i in range(PAIRS):
            r = http.post(
                f"/v1/assistants/{assistant_id}/model",
                json={"text": _question(i), "conversation_id": conversation_id, "stream": False, "history": []},
            )
            r.raise_for_status()
        count = len(http.get(f"/v1/conversations/{conversation_id}").json()["history"])
        if count < 2 * PAIRS:
            raise RuntimeError(f"the conversation holds {count} messages, expected {2 * PAIRS}")
        return conversation_id


def _renderer_mb(browser_pid: int) -> tuple[float, float]:
    """RSS and USS (MB) of the largest renderer process: the page's own memory."""
    best = (0.0, 0.0)
    for proc in psutil.Process(browser_pid).children(recursive=True):
        try:
            if "--type=renderer" not in " ".join(proc.cmdline()):
                continue
            info = proc.memory_full_info()
            rss, uss = info.rss / 1_048_576, getattr(info, "uss", info.rss) / 1_048_576
            best = max(best, (rss, uss))
        except psutil.Error:
            continue
    return round(best[0], 1), round(best[1], 1)


def _measure(page: Page, cdp: Any, browser_pid: int, phase: str) -> dict[str, Any]:
    cdp.send("HeapProfiler.collectGarbage")
    time.sleep(0.5)
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    js = page.evaluate("({used: performance.memory.usedJSHeapSize, total: performance.memory.totalJSHeapSize})")
    rss, uss = _renderer_mb(browser_pid)
    return {
        "phase": phase,
        "js_heap_used_mb": round(js["used"] / 1_048_576, 1),
        "js_heap_total_mb": round(js["total"] / 1_048_576, 1),
        "dom_nodes": int(metrics.get("Nodes", 0)),
        "rows_in_dom": page.locator(".message-row").count(),
        "renderer_rss_mb": rss,
        "renderer_uss_mb": uss,
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    if not (ROOT / "ui" / "dist" / "index.html").is_file():
        raise SystemExit("ui/dist is missing: run `make ui` first")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("Chromium is not installed: apt-get install -y chromium")
    with bench_server() as server:
        conversation_id = _fill_conversation(server.url, login(server))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            browser_pid = next(
                proc.pid
                for proc in psutil.Process().children(recursive=True)
                if "chrom" in proc.name().lower() and "--type=" not in " ".join(proc.cmdline())
            )
            page = browser.new_page(base_url=server.url, viewport={"width": 1366, "height": 800})
            page.set_default_timeout(60_000)
            page.goto("/login")
            page.get_by_test_id("login-email").fill(ADMIN["email"])
            page.get_by_test_id("login-password").fill(ADMIN["password"])
            page.get_by_test_id("login-submit").click()
            page.get_by_test_id("user-name").wait_for()
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            rows: list[dict[str, Any]] = [_measure(page, cdp, browser_pid, "signed in, empty chat")]

            started = time.perf_counter()
            page.goto(f"/chat/{conversation_id}")
            page.locator('[data-testid="message-assistant"]').last.wait_for()
            open_ms = round((time.perf_counter() - started) * 1000)
            rows.append(_measure(page, cdp, browser_pid, "300 messages open"))

            # Scroll from the top to the bottom, so every message is rendered once.
            page.evaluate(
                """async () => {
                  const el = document.querySelector('[data-testid="message-list"]');
                  el.scrollTop = 0;
                  for (let y = 0; y <= el.scrollHeight; y += 400) {
                    el.scrollTop = y;
                    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
                  }
                  el.scrollTop = el.scrollHeight;
                }"""
            )
            rows.append(_measure(page, cdp, browser_pid, "after scrolling all"))
            browser.close()

    peak = max(max(r["renderer_uss_mb"], r["js_heap_used_mb"]) for r in rows)
    for r in rows:
        r["open_ms"] = open_ms if r["phase"] == "300 messages open" else ""
    report(
        "ui_memory",
        rows,
        {"page_memory_mb_max": TARGET_MB, "peak_page_memory_mb": peak, "within_target": peak <= TARGET_MB},
    )


if __name__ == "__main__":
    main()
