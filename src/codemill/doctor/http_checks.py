"""HTTP components: OIDC issuer, LLM proxy, embeddings API, Mermaid server, MCP Connect."""

from __future__ import annotations

import httpx

from codemill.diagrams.renderer import DiagramFormat
from codemill.diagrams.server_client import render_path
from codemill.doctor.report import CheckResult
from codemill.settings import Settings

NOT_CONFIGURED = "skipped (not configured)"


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".rstrip(": ")


async def check_oidc(settings: Settings, client: httpx.AsyncClient) -> CheckResult:
    issuer = settings.oidc.issuer
    if not issuer:
        return CheckResult.skipped("oidc", f"{NOT_CONFIGURED}: local login only")
    discovery_url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    fix = (
        "check CODEMILL_OIDC__ISSUER (Keycloak: https://<host>/auth/realms/codemill); it must be reachable from "
        "this pod and equal the issuer Keycloak advertises (KC_HOSTNAME, proxy headers)"
    )
    try:
        response = await client.get(discovery_url)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        return CheckResult.failed("oidc", f"discovery {discovery_url} failed: {_error(exc)}", fix)
    advertised = str(document.get("issuer", ""))
    if advertised.rstrip("/") != issuer.rstrip("/"):
        return CheckResult.failed("oidc", f"the discovery document names issuer {advertised!r}, not {issuer!r}", fix)
    jwks_uri = document.get("jwks_uri")
    try:
        jwks = await client.get(str(jwks_uri))
        jwks.raise_for_status()
        keys = jwks.json().get("keys", [])
    except (httpx.HTTPError, ValueError) as exc:
        return CheckResult.failed("oidc", f"JWKS {jwks_uri} failed: {_error(exc)}", fix)
    if not keys:
        return CheckResult.failed("oidc", f"JWKS {jwks_uri} holds no keys", "the realm has no active signing key")
    return CheckResult.ok("oidc", f"issuer {issuer}: discovery ok, {len(keys)} signing key(s)")


def _llm_headers(settings: Settings) -> dict[str, str]:
    key = settings.llm.api_key
    return {"Authorization": f"Bearer {key.get_secret_value()}"} if key else {}


async def check_llm(settings: Settings, client: httpx.AsyncClient) -> CheckResult:
    base = settings.llm.base_url
    if not base:
        return CheckResult.skipped("llm", f"{NOT_CONFIGURED}: the built-in mock LLM answers")
    url = base.rstrip("/") + "/models"
    try:
        response = await client.get(url, headers=_llm_headers(settings))
    except httpx.HTTPError as exc:
        return CheckResult.failed(
            "llm",
            f"GET {url} failed: {_error(exc)}",
            "check that the LLM proxy is up and CODEMILL_LLM__BASE_URL points at its OpenAI-compatible root "
            "(LiteLLM: http://<release>-llm-proxy:4000/v1)",
        )
    if response.status_code in (401, 403):
        return CheckResult.failed(
            "llm",
            f"GET {url}: HTTP {response.status_code}",
            "check CODEMILL_LLM__API_KEY (the LiteLLM master or virtual key)",
        )
    try:
        response.raise_for_status()
        models = [str(m.get("id")) for m in response.json().get("data", [])]
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        return CheckResult.failed("llm", f"GET {url}: {_error(exc)}", "the proxy must speak the OpenAI /models API")
    if not models:
        return CheckResult.failed("llm", f"{url} lists no models", "add models to the proxy (LiteLLM model_list)")
    shown = ", ".join(models[:5]) + (", ..." if len(models) > 5 else "")
    return CheckResult.ok("llm", f"{len(models)} model(s) at {base}: {shown}")


async def check_embeddings(settings: Settings, client: httpx.AsyncClient) -> CheckResult:
    embeddings = settings.embeddings
    backend = embeddings.backend or ("openai" if settings.llm.base_url else "local")
    if backend != "openai":
        return CheckResult.skipped("embeddings", f"{NOT_CONFIGURED}: {backend} embedder runs in-process")
    base = embeddings.base_url or settings.llm.base_url
    if not base or not embeddings.model:
        return CheckResult.failed(
            "embeddings",
            "the OpenAI-compatible embedder needs a base URL and a model",
            "set CODEMILL_EMBEDDINGS__MODEL (and CODEMILL_EMBEDDINGS__BASE_URL unless the LLM proxy serves it)",
        )
    key = embeddings.api_key or settings.llm.api_key
    headers = {"Authorization": f"Bearer {key.get_secret_value()}"} if key else {}
    url = base.rstrip("/") + "/embeddings"
    try:
        response = await client.post(
            url, headers=headers, json={"model": embeddings.model, "input": ["codemill doctor"]}
        )
        response.raise_for_status()
        vector = response.json()["data"][0]["embedding"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        return CheckResult.failed(
            "embeddings",
            f"POST {url} (model {embeddings.model}) failed: {_error(exc)}",
            "check that the proxy serves this embeddings model and the key may use it",
        )
    return CheckResult.ok("embeddings", f"{embeddings.model}: {len(vector)} dimensions")


async def check_reachable(name: str, url: str | None, client: httpx.AsyncClient, fix: str) -> CheckResult:
    """A service with no standard health API: it answers HTTP (any status below 500)."""
    if not url:
        return CheckResult.skipped(name, NOT_CONFIGURED)
    try:
        response = await client.get(url)
    except httpx.HTTPError as exc:
        return CheckResult.failed(name, f"GET {url} failed: {_error(exc)}", fix)
    if response.status_code >= 500:
        return CheckResult.failed(name, f"GET {url}: HTTP {response.status_code}", fix)
    return CheckResult.ok(name, f"{url} answers (HTTP {response.status_code})")


async def check_mermaid(settings: Settings, client: httpx.AsyncClient) -> CheckResult:
    """Render a one-edge diagram at the Mermaid server (what /v1/files/diagram/mermaid asks of it)."""
    url = settings.mermaid.url
    fix = (
        "start the Mermaid server (Kubernetes: the <release>-mermaid Deployment; elsewhere `codemill mermaid`) "
        "and check CODEMILL_MERMAID__URL (its root, e.g. http://<release>-mermaid:3000)"
    )
    if not url:
        return CheckResult.skipped("mermaid", f"{NOT_CONFIGURED}: the local Chromium renderer draws diagrams")
    probe = url.rstrip("/") + render_path("graph TD; doctor-->ok", DiagramFormat.SVG)
    try:
        response = await client.get(probe)
    except httpx.HTTPError as exc:
        return CheckResult.failed("mermaid", f"GET {url} failed: {_error(exc)}", fix)
    if response.status_code != 200 or b"<svg" not in response.content[:2000]:
        return CheckResult.failed("mermaid", f"{url} did not render a test diagram (HTTP {response.status_code})", fix)
    return CheckResult.ok("mermaid", f"{url} renders diagrams ({len(response.content)} bytes of SVG)")


async def check_mcp_connect(settings: Settings, client: httpx.AsyncClient) -> CheckResult:
    url = settings.mcp_connect.url  # its /health (the first pod's, when the URL routes by bucket)
    return await check_reachable(
        "mcp-connect",
        f"{url.replace('{MCP_CONNECT_BUCKET}', '0').rstrip('/')}/health" if url else None,
        client,
        "start `codemill mcp-connect` (Kubernetes: the <release>-mcp-connect Deployment) and check "
        "CODEMILL_MCP_CONNECT__URL",
    )
