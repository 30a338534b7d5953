"""Security headers on API and UI responses; health and config reveal nothing internal to anonymous callers."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi import FastAPI

from codemill.kit.asgi import SecurityHeaders
from codemill.main import mount_ui, spa_csp
from tests.conftest import ROOT, TestUser
from tests.support.server import LiveServer

INDEX = """<!doctype html><html><head>
<script>
  document.documentElement.dataset.theme = 'dark';
</script>
<script type="module" crossorigin src="/assets/index-abc.js"></script>
</head><body><div id="root"></div></body></html>"""


def _common(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_api_responses_carry_the_headers(live_server: LiveServer, make_user: Callable[..., TestUser]) -> None:
    for response in (
        httpx.get(f"{live_server.url}/v1/info"),
        httpx.get(f"{live_server.url}/v1/projects"),  # a 401
        httpx.get(f"{live_server.url}/v1/no-such-thing"),  # a 404
        make_user("headers").http.get("/v1/user"),
    ):
        _common(response)
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert "strict-transport-security" not in response.headers  # plain http here
    docs = httpx.get(f"{live_server.url}/docs")
    _common(docs)
    assert "https://cdn.jsdelivr.net" in docs.headers["content-security-policy"]


def test_health_and_config_reveal_nothing_internal_to_anonymous_callers(
    live_server: LiveServer, make_user: Callable[..., TestUser], admin_http: httpx.Client
) -> None:
    anonymous = httpx.get(f"{live_server.url}/v1/healthcheck").json()
    assert anonymous["status"] == "healthy"
    assert not {"worker_pid", "memory_usage_mb", "cpu_percent"} & set(anonymous)
    user = make_user("health")
    assert "worker_pid" not in user.http.get("/v1/healthcheck").json()
    admin = admin_http.get("/v1/healthcheck").json()
    assert admin["worker_pid"] > 0 and admin["memory_usage_mb"] > 0

    config = httpx.get(f"{live_server.url}/v1/config")
    assert "nats://" not in config.text
    plugins = next(c for c in config.json() if c["id"] == "plugins")["settings"]
    assert plugins == {"enabled": True}
    signed_in = next(c for c in user.http.get("/v1/config").json() if c["id"] == "plugins")["settings"]
    assert str(signed_in["plugin_engine_uri"]).startswith("nats://")


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


async def test_the_spa_gets_a_policy_that_allows_exactly_its_inline_script(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    app = FastAPI()
    mount_ui(app, tmp_path)
    transport = httpx.ASGITransport(app=SecurityHeaders(app))
    async with httpx.AsyncClient(transport=transport, base_url="https://codemill.test") as client:
        page = await client.get("/chat/some-conversation")
        asset = await client.get("/assets/index-abc.js")
    _common(page)
    policy = page.headers["content-security-policy"]
    inline = re.search(r"<script>(.*?)</script>", INDEX, re.DOTALL)
    assert inline is not None
    assert f"script-src 'self' {_sha256(inline.group(1))};" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "connect-src 'self'" in policy and "object-src 'none'" in policy
    assert page.headers["strict-transport-security"].startswith("max-age=")  # the request came over https
    _common(asset)


def test_the_real_index_html_inline_script_is_hashed() -> None:
    source = (ROOT / "ui" / "index.html").read_text()
    scripts = re.findall(r"<script>(.*?)</script>", source, re.DOTALL)
    assert scripts, "ui/index.html has an inline theme script; the policy must allow it by hash"
    assert all(_sha256(script) in spa_csp(source) for script in scripts)


async def test_hsts_when_a_setting_says_the_site_is_https() -> None:
    app = FastAPI()

    @app.get("/x")
    async def x() -> dict[str, str]:
        return {}

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=SecurityHeaders(app, always_hsts=True)), base_url="http://behind-a-proxy"
    ) as client:
        assert "max-age" in (await client.get("/x")).headers["strict-transport-security"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=SecurityHeaders(app)), base_url="http://h"
    ) as client:
        assert "strict-transport-security" not in (await client.get("/x")).headers
