"""Edge checks, as the troubleshooting FAQ walks them: DNS of every configured host, the public TLS
certificates (trust, name, expiry), the ingress answering on the public URL, and NATS's public listener
requiring TLS."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from cryptography import x509

from codemill.doctor.report import CheckResult
from codemill.settings import Settings

NOT_CONFIGURED = "skipped (not configured)"
# A certificate this close to its end is a renewal that is not happening (cert-manager renews at 2/3 of life).
EXPIRY_MARGIN_DAYS = 7
DEFAULT_PORTS = {"https": 443, "http": 80, "tls": 4222, "nats": 4222}


@dataclass(frozen=True)
class Endpoint:
    """A host (and port) taken from one setting."""

    setting: str
    scheme: str
    host: str
    port: int


def endpoint(setting: str, url: str | None) -> Endpoint | None:
    """The host and port of a URL setting (None when unset or hostless)."""
    if not url:
        return None
    parts = urlsplit(url.replace("{MCP_CONNECT_BUCKET}", "0"))
    if not parts.hostname:
        return None
    scheme = parts.scheme.split("+")[0]
    return Endpoint(setting, scheme, parts.hostname, parts.port or DEFAULT_PORTS.get(scheme, 443))


def configured_endpoints(settings: Settings) -> list[Endpoint]:
    """Every host the settings name, with the variable that names it."""
    database = settings.database_url.get_secret_value() if settings.database_url else None
    pairs = [
        ("CODEMILL_PUBLIC_URL", settings.public_url),
        ("CODEMILL_DATABASE_URL", database),
        ("CODEMILL_OIDC__ISSUER", settings.oidc.issuer),
        ("CODEMILL_LLM__BASE_URL", settings.llm.base_url),
        ("CODEMILL_EMBEDDINGS__BASE_URL", settings.embeddings.base_url),
        ("CODEMILL_NATS__URL", settings.nats.url),
        ("CODEMILL_NATS__PUBLIC_URL", settings.nats.public_url),
        ("CODEMILL_MERMAID__URL", settings.mermaid.url),
        ("CODEMILL_MCP_CONNECT__URL", settings.mcp_connect.url),
    ]
    return [found for name, url in pairs if (found := endpoint(name, url)) is not None]


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def check_dns(settings: Settings, call_timeout: float) -> CheckResult:
    """Every configured host name resolves (from where the doctor runs: the pod's resolver in Kubernetes)."""
    names: dict[str, list[str]] = {}
    for found in configured_endpoints(settings):
        if not _is_address(found.host):
            names.setdefault(found.host, []).append(found.setting)
    if not names:
        return CheckResult.skipped("dns", f"{NOT_CONFIGURED}: no host names in the settings")
    loop = asyncio.get_running_loop()
    failures, resolved = [], []
    for host, settings_naming in names.items():
        try:
            infos = await asyncio.wait_for(loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), call_timeout)
            resolved.append(f"{host} -> {infos[0][4][0]}")
        except (OSError, TimeoutError) as exc:
            failures.append(f"{host} ({', '.join(settings_naming)}): {exc or 'timed out'}")
    if failures:
        return CheckResult.failed(
            "dns",
            "cannot resolve " + "; ".join(failures),
            "create the DNS record (public option: an A record for the ingress IP, `terraform output "
            "ingress_public_ip`; private option: the record in the private DNS zone linked to the cluster's "
            "network); for in-cluster names check the Service exists (`kubectl get svc -n <namespace>`) and "
            "the setting's spelling",
        )
    return CheckResult.ok("dns", ", ".join(resolved))


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """The trust the checks use: the system's CAs, or the given bundle (a private CA)."""
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


@dataclass(frozen=True)
class CertificateSeen:
    """What a TLS endpoint presented: its leaf certificate and, if it did not verify, why."""

    certificate: x509.Certificate | None
    problem: str | None


async def _handshake(
    host: str, port: int, context: ssl.SSLContext, call_timeout: float, preamble: bool
) -> x509.Certificate | None:
    """TLS to host:port (after NATS's plain INFO line when `preamble`); the leaf certificate."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), call_timeout)
    try:
        if preamble:
            await asyncio.wait_for(reader.readline(), call_timeout)
        await asyncio.wait_for(writer.start_tls(context, server_hostname=host), call_timeout)
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
        return x509.load_der_x509_certificate(der) if der else None
    finally:
        writer.close()


async def inspect_certificate(
    host: str, port: int, ca_file: Path | None, call_timeout: float, preamble: bool = False
) -> CertificateSeen:
    """Verify host:port's certificate; when it does not verify, fetch it anyway to say why."""
    try:
        return CertificateSeen(await _handshake(host, port, tls_context(ca_file), call_timeout, preamble), None)
    except ssl.SSLCertVerificationError as exc:
        problem = exc.verify_message or str(exc)
    lenient = ssl.create_default_context()
    lenient.check_hostname = False
    lenient.verify_mode = ssl.CERT_NONE
    try:
        certificate = await _handshake(host, port, lenient, call_timeout, preamble)
    except (OSError, TimeoutError, ssl.SSLError):
        certificate = None
    return CertificateSeen(certificate, problem)


CERT_FIX = (
    "renew or fix the certificate: with cert-manager `kubectl describe certificate -n <namespace>` and the "
    "ClusterIssuer's events (HTTP-01 needs the ingress reachable on port 80; DNS-01 needs the DNS zone "
    "credentials); a certificate from a private CA must be trusted by clients (doctor: --ca-file)"
)


def judge_certificate(component: str, where: str, seen: CertificateSeen) -> CheckResult:
    """ok with the days left, or FAILED naming the fault (untrusted, wrong name, expired, expiring)."""
    certificate = seen.certificate
    until = certificate.not_valid_after_utc if certificate else None
    if seen.problem:
        detail = f"{where}: certificate not accepted: {seen.problem}"
        if until is not None:
            detail += f" (valid until {until:%Y-%m-%d %H:%M} UTC)"
        return CheckResult.failed(component, detail, CERT_FIX)
    if until is None:
        return CheckResult.failed(component, f"{where}: no certificate presented", CERT_FIX)
    days = (until - datetime.now(UTC)).days
    if days < EXPIRY_MARGIN_DAYS:
        return CheckResult.failed(
            component, f"{where}: certificate expires in {days} day(s) ({until:%Y-%m-%d} UTC)", CERT_FIX
        )
    return CheckResult.ok(component, f"{where}: trusted, valid until {until:%Y-%m-%d} UTC ({days} days)")


async def check_tls(settings: Settings, call_timeout: float, ca_file: Path | None) -> CheckResult:
    """The certificates of the https endpoints users reach: the public URL and the OIDC issuer."""
    targets = {
        (e.host, e.port): e
        for e in configured_endpoints(settings)
        if e.scheme == "https" and e.setting in ("CODEMILL_PUBLIC_URL", "CODEMILL_OIDC__ISSUER")
    }
    if not targets:
        return CheckResult.skipped("tls", f"{NOT_CONFIGURED}: no https public URL or issuer")
    results = []
    for (host, port), found in targets.items():
        where = f"{host}:{port}"
        try:
            seen = await inspect_certificate(host, port, ca_file, call_timeout)
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            return CheckResult.failed(
                "tls", f"{where} ({found.setting}): no TLS handshake: {exc}", "check dns and ingress first"
            )
        results.append(judge_certificate("tls", where, seen))
    failed = [r for r in results if r.fix]
    if failed:
        return failed[0]
    return CheckResult.ok("tls", "; ".join(r.detail for r in results))


async def check_ingress(settings: Settings, client: httpx.AsyncClient) -> CheckResult:
    """The public URL answers the API's health check through the ingress."""
    if not settings.public_url:
        return CheckResult.skipped("ingress", f"{NOT_CONFIGURED}: CODEMILL_PUBLIC_URL is unset")
    url = settings.public_url.rstrip("/") + "/v1/healthcheck"
    fix = (
        "check the ingress controller runs and has an external address (`kubectl get svc -n ingress-nginx`), "
        "the DNS record points at it, `kubectl get ingress -n <namespace>` shows the host, and the API pods "
        "are ready (`kubectl get pods -l app.kubernetes.io/component=api`)"
    )
    try:
        response = await client.get(url)
    except httpx.HTTPError as exc:
        return CheckResult.failed("ingress", f"GET {url} failed: {type(exc).__name__}: {exc}", fix)
    if response.status_code in (401, 302, 403):
        return CheckResult.failed(
            "ingress",
            f"GET {url}: HTTP {response.status_code} (the edge asks for a login on the health check)",
            "let /v1/healthcheck through oauth2-proxy (skip-auth-route) so probes and the doctor reach it",
        )
    if response.status_code != 200:
        return CheckResult.failed("ingress", f"GET {url}: HTTP {response.status_code}", fix)
    return CheckResult.ok("ingress", f"{url} answers 200")


NATS_TLS_FIX = (
    "plugins outside the cluster must use TLS: set nats.external.enabled with a certificate (cert-manager "
    "or nats.external.tlsSecretName) so the public listener requires TLS, and hand out "
    "CODEMILL_NATS__PUBLIC_URL=tls://<host>:4222"
)


async def check_nats_tls(settings: Settings, call_timeout: float, ca_file: Path | None) -> CheckResult:
    """The URL plugins are given is tls://, the server requires TLS there, and its certificate is good."""
    public = settings.nats.public_url
    if not public:
        return CheckResult.skipped("nats-tls", f"{NOT_CONFIGURED}: no public NATS URL (in-cluster plugins only)")
    found = endpoint("CODEMILL_NATS__PUBLIC_URL", public)
    if found is None or found.scheme != "tls":
        return CheckResult.failed("nats-tls", f"plugins are handed {public}, not a tls:// URL", NATS_TLS_FIX)
    where = f"{found.host}:{found.port}"
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(found.host, found.port), call_timeout)
        try:
            line = await asyncio.wait_for(reader.readline(), call_timeout)
        finally:
            writer.close()
        info = json.loads(line.decode().removeprefix("INFO").strip())
    except (OSError, TimeoutError, ValueError) as exc:
        return CheckResult.failed("nats-tls", f"{where}: no NATS INFO: {type(exc).__name__}: {exc}", NATS_TLS_FIX)
    if not info.get("tls_required"):
        return CheckResult.failed(
            "nats-tls", f"{where} accepts plain-text clients (tls_required is false)", NATS_TLS_FIX
        )
    try:
        seen = await inspect_certificate(found.host, found.port, ca_file, call_timeout, preamble=True)
    except (OSError, TimeoutError, ssl.SSLError) as exc:
        return CheckResult.failed("nats-tls", f"{where}: TLS handshake failed: {exc}", NATS_TLS_FIX)
    return judge_certificate("nats-tls", where, seen)
