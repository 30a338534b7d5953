"""oauth2-proxy header mode: trusted only when enabled, and only from the configured proxy addresses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import unique
from tests.support.oidc import OIDCIssuer
from tests.support.server import LiveServer, start_server


def _server(env: dict[str, str], artifacts: Path, name: str, **extra: str) -> Iterator[LiveServer]:
    server = start_server({**env, **extra}, artifacts / "logs" / f"{name}.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxied(server_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    yield from _server(
        server_env,
        artifacts_dir,
        "proxy-trusted",
        CODEMILL_PROXY_AUTH__ENABLED="true",
        CODEMILL_PROXY_AUTH__TRUSTED_PROXIES='["127.0.0.1/32"]',
    )


@pytest.fixture(scope="module")
def untrusted(server_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    yield from _server(
        server_env,
        artifacts_dir,
        "proxy-untrusted",
        CODEMILL_PROXY_AUTH__ENABLED="true",
        CODEMILL_PROXY_AUTH__TRUSTED_PROXIES='["192.0.2.10/32"]',
    )


def test_trusted_proxy_email_header(proxied: LiveServer) -> None:
    email = f"{unique('proxy')}@example.com"
    me = httpx.get(f"{proxied.url}/v1/user", headers={"X-Auth-Request-Email": email}, timeout=10)
    assert me.status_code == 200, me.text
    assert me.json()["email"] == email


def test_trusted_proxy_access_token_is_verified(proxied: LiveServer, oidc_issuer: OIDCIssuer) -> None:
    email = f"{unique('proxytok')}@example.com"
    ok = httpx.get(
        f"{proxied.url}/v1/user", headers={"X-Auth-Request-Access-Token": oidc_issuer.token(email)}, timeout=10
    )
    assert ok.json()["email"] == email
    forged = httpx.get(
        f"{proxied.url}/v1/user",
        headers={"X-Auth-Request-Access-Token": oidc_issuer.token(email, issuer="http://evil.example")},
        timeout=10,
    )
    assert forged.status_code == 401


def test_headers_ignored_from_untrusted_address(untrusted: LiveServer) -> None:
    response = httpx.get(
        f"{untrusted.url}/v1/user", headers={"X-Auth-Request-Email": "mallory@example.com"}, timeout=10
    )
    assert response.status_code == 401


def test_headers_ignored_when_mode_disabled(live_server: LiveServer) -> None:
    response = httpx.get(
        f"{live_server.url}/v1/user", headers={"X-Auth-Request-Email": "mallory@example.com"}, timeout=10
    )
    assert response.status_code == 401
