"""Compression and caching: pre-compressed hashed assets by Content-Encoding negotiation, larger API JSON
gzipped, chat streams never held back; and the compressed JavaScript a first visit loads before chat works."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import TestUser, unique
from tests.support.server import LiveServer
from tests.ui.conftest import create_assistant, sign_in

INITIAL_JS_BUDGET = 200 * 1024


def _entry_script(built_ui: Path) -> str:
    match = re.search(r'<script[^>]+src="(/assets/[^"]+\.js)"', built_ui.read_text())
    assert match, "index.html names no script"
    return match.group(1)


def test_assets_are_sent_precompressed_with_long_cache_lifetimes(live_server: LiveServer, built_ui: Path) -> None:
    script = _entry_script(built_ui)
    original = (built_ui.parent / script.lstrip("/")).read_bytes()
    with httpx.Client(base_url=live_server.url) as http:
        for accept, encoding in (("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("", None)):
            response = http.get(script, headers={"Accept-Encoding": accept})
            assert response.status_code == 200
            assert response.headers.get("content-encoding") == encoding, accept
            assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert response.headers["vary"] == "Accept-Encoding"
            assert response.headers["content-type"].startswith("text/javascript")
            if encoding == "br":  # (no brotli decoder here: the bytes sent are the built .br twin)
                twin = built_ui.parent / (script.lstrip("/") + ".br")
                assert response.content == twin.read_bytes() and len(response.content) < len(original) / 2
            else:
                assert response.content == original  # decoded by the client, byte for byte the built file
            if encoding == "gzip":
                assert int(response.headers["content-length"]) < len(original) / 2
        assert http.get(script + ".br").status_code == 404  # the twins are not files of their own
        index = http.get("/", headers={"Accept-Encoding": "br"})
        assert index.headers["cache-control"] == "no-cache"  # index.html names the hashed files: never cached


def test_large_json_is_gzipped_and_chat_streams_are_not(make_user: Callable[..., TestUser]) -> None:
    user = make_user("compression")
    for n in range(12):
        create_assistant(user, unique(f"Compressed {n}"))
    listing = user.http.get("/v1/assistants", headers={"Accept-Encoding": "gzip"})
    assert listing.status_code == 200 and listing.headers["content-encoding"] == "gzip"
    assert int(listing.headers["content-length"]) < len(listing.content)
    assert len(listing.json()["data"]) >= 12
    small = user.http.get("/v1/user", headers={"Accept-Encoding": "gzip"})
    assert small.status_code == 200 and "content-encoding" not in small.headers  # under the threshold
    plain = user.http.get("/v1/assistants", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == listing.json()

    assistant_id = create_assistant(user, unique("Streamer"))
    body = {"text": "stream this back to me " * 200, "stream": True}
    with user.http.stream(
        "POST", f"/v1/assistants/{assistant_id}/model", json=body, headers={"Accept-Encoding": "gzip"}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        assert "content-encoding" not in response.headers
        lines = [json.loads(line) for line in response.iter_lines() if line]
    assert len(lines) > 2 and lines[-1]["last"] is True


def test_javascript_before_chat_works_fits_the_budget(
    page: Page, make_user: Callable[..., TestUser], live_server: LiveServer
) -> None:
    user = make_user("ui-transfer")
    create_assistant(user, unique("Light"))
    sizes: dict[str, int] = {}

    def count(response: object) -> None:
        url: str = response.url
        if url.endswith(".js"):
            headers = response.all_headers()
            length = int(headers.get("content-length", "0"))
            assert headers.get("content-encoding") == "br", url
            sizes[url] = length

    page.on("response", count)
    sign_in(page, user.email, user.password)
    page.goto("/chat")
    expect(page.get_by_test_id("chat-composer")).to_be_enabled()
    total = sum(sizes.values())
    print(f"\nJavaScript before chat works: {len(sizes)} files, {total / 1024:.1f} KB brotli")
    assert 0 < total <= INITIAL_JS_BUDGET, sizes
