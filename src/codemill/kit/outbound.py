"""The guarded outbound HTTP client for every fetch a user can steer (git, Jira, Confluence, MCP URLs).

Every host is resolved here and every address it resolves to must be public unless private networks
are allowed by settings; the connection then goes to the checked address (the name is not resolved
a second time, so DNS rebinding cannot slip a private address in). Redirects are followed by hand,
each hop checked again, and credentials are dropped when a redirect leaves the origin.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_WIRE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")
_SENSITIVE_HEADERS = ("authorization", "cookie", "proxy-authorization", "x-api-key", "private-token")


class OutboundRefused(Exception):
    """The target is not allowed (private address, bad scheme, too many redirects)."""


class OutboundFailed(Exception):
    """The target could not be reached (DNS, connection, timeout, response too large)."""


@dataclass(frozen=True)
class Target:
    """A checked destination: the URL's host and port and the addresses it may be reached at."""

    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


# NAT64 (RFC 6052/8215): a gateway translates these to the IPv4 address they embed. The well-known
# prefix is always /96; the local-use /48 may be cut at any RFC 6052 length, so every layout is checked.
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")
# Where the IPv4 octets sit for each prefix length (octet 8, bits 64-71, is always skipped).
_RFC6052_OCTETS = {48: (6, 7, 9, 10), 56: (7, 9, 10, 11), 64: (9, 10, 11, 12), 96: (12, 13, 14, 15)}


def _nat64_embedded(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a NAT64 gateway could translate `ip` to (none outside the NAT64 prefixes)."""
    packed = ip.packed
    if ip in _NAT64_WELL_KNOWN:
        lengths: tuple[int, ...] = (96,)
    elif ip in _NAT64_LOCAL_USE:
        lengths = tuple(_RFC6052_OCTETS)
    else:
        return []
    return [ipaddress.IPv4Address(bytes(packed[i] for i in _RFC6052_OCTETS[n])) for n in lengths]


def is_public(ip: IPAddress) -> bool:
    """True for globally routable unicast addresses (IPv6 forms that embed an IPv4 are judged by it)."""
    if isinstance(ip, ipaddress.IPv6Address):
        nat64 = _nat64_embedded(ip)
        if nat64:
            return all(is_public(embedded) for embedded in nat64)
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return is_public(embedded)
    return ip.is_global and not ip.is_multicast


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address a host name resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundFailed(f"Cannot resolve host {host!r}") from exc
    seen: dict[str, IPAddress] = {}
    for *_, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]
        seen.setdefault(address, ipaddress.ip_address(address))
    if not seen:
        raise OutboundFailed(f"Cannot resolve host {host!r}")
    return list(seen.values())


class OutboundClient:
    """HTTP(S) to user-chosen hosts, refusing private and loopback addresses unless allowed."""

    def __init__(
        self,
        allow_private: bool,
        timeout: float = 10.0,
        max_redirects: int = 3,
        max_response_bytes: int = 5 * 1_048_576,
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_redirects = max_redirects
        self.max_response_bytes = max_response_bytes
        # trust_env=False: a proxy from the environment would connect by name, bypassing the check.
        self._client = httpx.AsyncClient(follow_redirects=False, trust_env=False, timeout=timeout)

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._client.aclose()

    async def check(self, url: str) -> Target:
        """The checked target of a URL (OutboundRefused when it may not be contacted)."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise OutboundRefused(f"Invalid URL {url!r}") from exc
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise OutboundRefused(f"Only http(s) URLs with a host are allowed, not {url!r}")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        addresses = await resolve(parsed.host, port)
        if not self.allow_private:
            for ip in addresses:
                if not is_public(ip):
                    raise OutboundRefused(
                        f"Refused to connect to {parsed.host}: it resolves to the private or loopback address "
                        f"{ip}. Outbound requests to private networks are disabled on this server."
                    )
        return Target(parsed.scheme, parsed.host, port, tuple(str(ip) for ip in addresses))

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        timeout_seconds: float | None = None,
    ) -> httpx.Response:
        """One request (redirects followed and re-checked); the body is read, up to the size limit."""
        current = str(httpx.URL(url, params=params)) if params else url
        send_headers = dict(headers or {})
        for _ in range(self.max_redirects + 1):
            target = await self.check(current)
            response = await self._send(method, current, target, send_headers, content, timeout_seconds)
            location = response.headers.get("location")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                return response
            following = urljoin(current, location)
            if httpx.URL(following).netloc != httpx.URL(current).netloc:
                send_headers = {k: v for k, v in send_headers.items() if k.lower() not in _SENSITIVE_HEADERS}
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, content = "GET", None
            current = following
        raise OutboundRefused(f"Too many redirects (more than {self.max_redirects}) from {url!r}")

    async def _send(
        self,
        method: str,
        url: str,
        target: Target,
        headers: dict[str, str],
        content: bytes | None,
        timeout_seconds: float | None,
    ) -> httpx.Response:
        original = httpx.URL(url)
        pinned = original.copy_with(host=target.addresses[0])
        request_headers = {"host": original.netloc.decode("ascii"), **headers}
        extensions: dict[str, Any] = {}
        if target.scheme == "https":
            extensions["sni_hostname"] = target.host
        request = self._client.build_request(
            method,
            pinned,
            headers=request_headers,
            content=content,
            timeout=timeout_seconds or self.timeout,
            extensions=extensions,
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise OutboundFailed(f"Timed out connecting to {target.host}") from exc
        except httpx.HTTPError as exc:
            raise OutboundFailed(f"Cannot connect to {target.host}:{target.port} ({type(exc).__name__})") from exc
        try:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > self.max_response_bytes:
                    raise OutboundFailed(f"Response from {target.host} is larger than {self.max_response_bytes} bytes")
        except httpx.HTTPError as exc:
            raise OutboundFailed(f"Reading the response from {target.host} failed ({type(exc).__name__})") from exc
        finally:
            await response.aclose()
        # The body is already decoded: drop the headers that describe its wire form.
        kept = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _WIRE_HEADERS]
        return httpx.Response(
            response.status_code, headers=kept, content=bytes(body), request=httpx.Request(method, url)
        )
