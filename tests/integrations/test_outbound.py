"""The guarded outbound client: private and loopback targets refused, names pinned, redirects re-checked."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, unquote

import httpx
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
        ("::ffff:169.254.169.254", False),  # IPv4-mapped cloud metadata
        ("64:ff9b::7f00:1", False),  # NAT64 well-known prefix around 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # ... around 169.254.169.254
        ("64:ff9b::a00:1", False),  # ... around 10.0.0.1
        ("64:ff9b::808:808", True),  # ... around 8.8.8.8: a public IPv4 through the gateway
        ("64:ff9b:1:a00:1:0:808:808", False),  # local-use NAT64: 10.0.0.1 in the /48 layout
        ("64:ff9b:1::7f00:1", False),
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
        # Decimal, octal, hexadecimal and short forms of 127.0.0.1, and NAT64 / IPv4-mapped IPv6 literals.
        for url in (
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://0x7f.0.0.1/",
            "http://127.1/",
            "http://017700000001/",
            "http://[64:ff9b::7f00:1]/",
            "http://[::ffff:7f00:1]/",
            "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
        ):
            # httpx itself rejects some forms as invalid; the rest resolve (inet_aton) to 127.0.0.1.
            with pytest.raises(OutboundRefused, match=r"private or loopback address|Invalid URL"):
                await client.check(url)
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


class _Resolver:
    """Stands in for DNS an attacker controls: each lookup of a name gets the next answer."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []
        monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", self.getaddrinfo)

    async def getaddrinfo(self, host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        self.lookups.append(host)
        queue = self.answers[host]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]


def _network(client: OutboundClient, handler: Callable[[httpx.Request], httpx.Response]) -> list[httpx.Request]:
    """Replace the wire with `handler` (a public site on the internet) and record what went out."""
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return handler(request)

    client._client = httpx.AsyncClient(transport=httpx.MockTransport(record), follow_redirects=False)
    return sent


async def test_dns_rebinding_cannot_swap_in_a_private_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """The name resolves public, then private: the guard connects to the address it checked."""
    resolver = _Resolver(monkeypatch, {"rebind.example": ["8.8.8.8", "127.0.0.1"]})
    client = OutboundClient(allow_private=False)
    sent = _network(client, lambda request: httpx.Response(200, text="public"))
    try:
        response = await client.request("GET", "http://rebind.example/data")
        assert response.text == "public"
        assert resolver.lookups == ["rebind.example"]  # resolved once, by the guard
        assert [(r.url.host, r.headers["host"]) for r in sent] == [("8.8.8.8", "rebind.example")]
        # The next request resolves again, gets the private answer, and is refused before any connection.
        with pytest.raises(OutboundRefused, match=r"127\.0\.0\.1"):
            await client.request("GET", "http://rebind.example/data")
        assert len(sent) == 1
    finally:
        await client.aclose()


async def _round_robin(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
    """One public and one private record for the same name."""
    return [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
    ]


async def test_a_name_with_any_private_answer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", _round_robin)
    client = OutboundClient(allow_private=False)
    sent = _network(client, lambda request: httpx.Response(200))
    try:
        with pytest.raises(OutboundRefused, match=r"10\.0\.0\.7"):
            await client.request("GET", "http://mixed.example/")
        assert sent == []
    finally:
        await client.aclose()


async def test_a_redirect_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A public site answering 302 to the metadata service, to a NAT64 form of it, or to a name that is private."""
    # 2130706433 as the system resolver reads it (inet_aton: 127.0.0.1; the first test resolves it for real).
    _Resolver(monkeypatch, {"public.example": ["8.8.8.8"], "inside.example": ["10.1.2.3"], "2130706433": ["127.0.0.1"]})
    client = OutboundClient(allow_private=False, max_redirects=3)
    targets = iter(
        [
            "http://169.254.169.254/latest/meta-data/",
            "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
            "http://inside.example/admin",
            "http://2130706433/",
        ]
    )
    sent = _network(client, lambda request: httpx.Response(302, headers={"location": next(targets)}))
    try:
        for _ in range(4):
            with pytest.raises(OutboundRefused, match="private or loopback address"):
                await client.request("GET", "http://public.example/start", headers={"authorization": "secret"})
        assert {r.url.host for r in sent} == {"8.8.8.8"}  # no hop ever left for a private address
    finally:
        await client.aclose()
