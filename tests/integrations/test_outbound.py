"""The guarded outbound client: private and loopback targets refused, names pinned, redirects re-checked."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, unquote

import pytest

from codemill.kit.outbound import OutboundClient, OutboundFailed, OutboundRefused, is_public
from tests.integrations.targets import serve


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fd00::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::1", False),  # 6to4 around 127.0.0.1
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


async def test_refuses_private_targets_by_default() -> None:
    client = OutboundClient(allow_private=False)
    try:
        for url in ("http://127.0.0.1:9/", "http://localhost/x", "https://[::1]/", "http://169.254.169.254/latest"):
            with pytest.raises(OutboundRefused, match="private or loopback address"):
                await client.request("GET", url)
        for url in ("ftp://example.com/", "file:///etc/passwd", "http:///nohost"):
            with pytest.raises(OutboundRefused):
                await client.check(url)
        with pytest.raises(OutboundFailed, match="Cannot resolve"):
            await client.check("http://no-such-host.invalid/")
    finally:
        await client.aclose()


def _recording_app(seen: list[dict[str, str]]) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.append(
            {
                "path": environ["PATH_INFO"],
                "host": environ.get("HTTP_HOST", ""),
                "auth": environ.get("HTTP_AUTHORIZATION", ""),
            }
        )
        if environ["PATH_INFO"] == "/redirect":
            start_response("302 Found", [("Location", unquote(environ["QUERY_STRING"].removeprefix("to=")))])
            return [b""]
        if environ["PATH_INFO"] == "/loop":
            start_response("302 Found", [("Location", "/loop")])
            return [b""]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return app


async def test_allowed_private_network_pins_names_and_drops_credentials_across_origins() -> None:
    seen: list[dict[str, str]] = []
    client = OutboundClient(allow_private=True, max_redirects=2)
    try:
        with serve(_recording_app(seen)) as url:
            port = url.rsplit(":", 1)[1]
            response = await client.request("GET", f"http://localhost:{port}/hello", headers={"authorization": "x"})
            assert response.text == "ok" and seen[-1] == {"path": "/hello", "host": f"localhost:{port}", "auth": "x"}

            # Same origin: credentials follow the redirect.
            await client.request("GET", f"{url}/redirect?to=/there", headers={"authorization": "x"})
            assert seen[-1]["path"] == "/there" and seen[-1]["auth"] == "x"

            # Another origin (localhost vs 127.0.0.1): they are dropped.
            seen.clear()
            away = quote(f"http://127.0.0.1:{port}/away", safe="")
            response = await client.request(
                "GET", f"http://localhost:{port}/redirect?to={away}", headers={"authorization": "x"}
            )
            assert [(s["path"], s["auth"]) for s in seen] == [("/redirect", "x"), ("/away", "")]
            assert response.status_code == 200

            with pytest.raises(OutboundRefused, match="Too many redirects"):
                await client.request("GET", f"{url}/loop")
    finally:
        await client.aclose()


async def test_response_size_is_limited() -> None:
    client = OutboundClient(allow_private=True, max_response_bytes=10)
    try:
        with serve(_recording_app([])) as url:
            assert (await client.request("GET", f"{url}/small")).text == "ok"
        big = OutboundClient(allow_private=True, max_response_bytes=1)
        with serve(_recording_app([])) as url, pytest.raises(OutboundFailed, match="larger than"):
            await big.request("GET", f"{url}/x")
        await big.aclose()
    finally:
        await client.aclose()
