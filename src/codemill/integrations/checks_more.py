"""Credential checkers for the HTTP services beyond the first eight types: one small authenticated call each.

Every request goes through the guarded outbound client. Messages name what failed and never echo a
secret (nor a URL that carries one: Telegram's token is part of its path).
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

import httpx
import yaml

from codemill.integrations.checking import CheckContext, CheckFailed
from codemill.kit.outbound import OutboundFailed, OutboundRefused


def _url(values: dict[str, Any], key: str, what: str) -> str:
    url = str(values.get(key) or "").strip().rstrip("/")
    if not url:
        raise CheckFailed(f"Testing a {what} integration needs its `{key}`.")
    return url


def _need(values: dict[str, Any], key: str, what: str) -> str:
    value = str(values.get(key) or "").strip()
    if not value:
        raise CheckFailed(f"Testing a {what} integration needs its `{key}`.")
    return value


async def _call(
    ctx: CheckContext,
    url: str,
    what: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
    hide_url: bool = False,
) -> httpx.Response:
    try:
        return await ctx.outbound.request(
            method,
            url,
            headers={"accept": "application/json", **(headers or {})},
            content=content,
            timeout_seconds=ctx.timeout,
        )
    except (OutboundRefused, OutboundFailed) as exc:
        if hide_url:
            raise CheckFailed(f"{what}: the service could not be reached ({type(exc).__name__}).") from exc
        raise CheckFailed(f"{what}: {exc}") from exc


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _object(response: httpx.Response) -> dict[str, Any]:
    data = _json(response)
    return data if isinstance(data, dict) else {}


def _refused(what: str, response: httpx.Response, hint: str) -> CheckFailed:
    if response.status_code in (401, 403):
        return CheckFailed(f"{what} rejected the credentials (HTTP {response.status_code}): {hint}")
    if response.status_code == 404:
        return CheckFailed(f"{what} API not found at this URL (HTTP 404): check the URL.")
    return CheckFailed(f"{what} answered HTTP {response.status_code}.")


def _basic(username: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode("ascii")


async def check_sonar(values: dict[str, Any], ctx: CheckContext) -> str:
    """GET /api/authentication/validate, then the project named by `sonar_project_name`."""
    url = _url(values, "url", "Sonar")
    headers = {"authorization": _basic(str(values.get("token") or ""), "")}
    response = await _call(ctx, f"{url}/api/authentication/validate", "Sonar", headers=headers)
    if response.status_code != 200:
        raise _refused("Sonar", response, "check the token.")
    if _object(response).get("valid") is not True:
        raise CheckFailed("Sonar rejected the token: /api/authentication/validate answered valid=false.")
    project = str(values.get("sonar_project_name") or "").strip()
    if not project:
        return "Connected to Sonar: the token is valid."
    found = await _call(ctx, f"{url}/api/components/show?component={quote(project)}", "Sonar", headers=headers)
    if found.status_code == 404:
        raise CheckFailed(f"Sonar accepted the token, but the project '{project}' was not found (or is not visible).")
    if found.status_code != 200:
        raise _refused("Sonar", found, "the token may not browse this project.")
    return f"Connected to Sonar: the token is valid and sees project '{project}'."


async def check_service_now(values: dict[str, Any], ctx: CheckContext) -> str:
    """Read one sys_user row with the API key (header x-sn-apikey)."""
    url = _url(values, "url", "ServiceNow")
    headers = {"x-sn-apikey": str(values.get("api_key") or "")}
    response = await _call(ctx, f"{url}/api/now/table/sys_user?sysparm_limit=1", "ServiceNow", headers=headers)
    if response.status_code != 200:
        raise _refused("ServiceNow", response, "check the API key and its access to the Table API.")
    if "result" not in _object(response):
        raise CheckFailed("ServiceNow answered, but not with a Table API result: check the instance URL.")
    return "Connected to ServiceNow: the Table API accepted the API key."


async def check_elastic(values: dict[str, Any], ctx: CheckContext) -> str:
    """GET / with the API key (id:key encoded, or an already encoded key)."""
    url = _url(values, "url", "Elastic")
    key_id, key = str(values.get("elastic_api_key_id") or ""), str(values.get("elastic_api_key") or "")
    encoded = base64.b64encode(f"{key_id}:{key}".encode()).decode("ascii") if key_id else key
    response = await _call(ctx, f"{url}/", "Elasticsearch", headers={"authorization": f"ApiKey {encoded}"})
    if response.status_code != 200:
        raise _refused("Elasticsearch", response, "check the API key id and key.")
    info = _object(response)
    version = info.get("version", {}).get("number") if isinstance(info.get("version"), dict) else None
    if not version:
        raise CheckFailed("The URL answered, but not as Elasticsearch: check the URL.")
    return f"Connected to Elasticsearch {version} (cluster {info.get('cluster_name') or 'unnamed'})."


async def check_kubernetes(values: dict[str, Any], ctx: CheckContext) -> str:
    """GET /version with the bearer token (the API server answers 401 to a token it does not accept)."""
    url = _url(values, "kubernetes_url", "Kubernetes")
    headers = {"authorization": f"Bearer {values.get('kubernetes_token') or ''}"}
    response = await _call(ctx, f"{url}/version", "Kubernetes", headers=headers)
    if response.status_code != 200:
        raise _refused("Kubernetes", response, "check the bearer token.")
    version = _object(response).get("gitVersion")
    if not version:
        raise CheckFailed("The URL answered, but not as a Kubernetes API server: check `kubernetes_url`.")
    return f"Connected to Kubernetes {version}."


async def check_keycloak(values: dict[str, Any], ctx: CheckContext) -> str:
    """A client-credentials grant at the realm's token endpoint."""
    url = _url(values, "url", "Keycloak")
    realm = _need(values, "realm", "Keycloak")
    client_id = _need(values, "client_id", "Keycloak")
    form = httpx.QueryParams({"grant_type": "client_credentials", "client_id": client_id})
    form = form.add("client_secret", str(values.get("client_secret") or ""))
    response = await _call(
        ctx,
        f"{url}/realms/{quote(realm, safe='')}/protocol/openid-connect/token",
        "Keycloak",
        method="POST",
        headers={"content-type": "application/x-www-form-urlencoded"},
        content=str(form).encode(),
    )
    if response.status_code in (400, 401):
        error = _object(response).get("error") or f"HTTP {response.status_code}"
        raise CheckFailed(f"Keycloak rejected the client credentials ({error}): check the client id and secret.")
    if response.status_code != 200:
        raise _refused("Keycloak", response, "check the client id and secret.")
    if not _object(response).get("access_token"):
        raise CheckFailed("Keycloak answered without an access token: check the URL and realm.")
    return f"Connected to Keycloak realm '{realm}' as client '{client_id}'."


async def check_report_portal(values: dict[str, Any], ctx: CheckContext) -> str:
    """List one launch of the project with the API key."""
    url = _url(values, "url", "ReportPortal")
    project = _need(values, "project", "ReportPortal")
    headers = {"authorization": f"Bearer {values.get('api_key') or ''}"}
    target = f"{url}/api/v1/{quote(project, safe='')}/launch?page.page=1&page.size=1"
    response = await _call(ctx, target, "ReportPortal", headers=headers)
    if response.status_code != 200:
        raise _refused("ReportPortal", response, "check the API key and the project name.")
    total = _object(response).get("page", {})
    count = total.get("totalElements") if isinstance(total, dict) else None
    return f"Connected to ReportPortal project '{project}'" + (f": {count} launches." if count is not None else ".")


async def check_xwiki(values: dict[str, Any], ctx: CheckContext) -> str:
    """GET /rest/wikis (basic authorization when a user name is given)."""
    url = _url(values, "url", "XWiki")
    username, token = str(values.get("username") or ""), str(values.get("token") or "")
    headers = {"authorization": _basic(username, token)} if username else {}
    response = await _call(ctx, f"{url}/rest/wikis", "XWiki", headers=headers)
    if response.status_code != 200:
        raise _refused("XWiki", response, "check the user name and password.")
    wikis = _object(response).get("wikis")
    if not isinstance(wikis, list):
        raise CheckFailed("The URL answered, but not as XWiki's REST API: check the URL.")
    # XWiki lets guests read by default, so a 200 alone does not prove the password (as CodeMie says too).
    return (
        f"Connected to XWiki: {len(wikis)} wikis visible. Guests may read XWiki too; this does not prove the password."
    )


async def check_zephyr_scale(values: dict[str, Any], ctx: CheckContext) -> str:
    """List one project with the API access token."""
    url = _url(values, "url", "Zephyr Scale")
    headers = {"authorization": f"Bearer {values.get('token') or ''}"}
    response = await _call(ctx, f"{url}/projects?maxResults=1", "Zephyr Scale", headers=headers)
    if response.status_code != 200:
        raise _refused("Zephyr Scale", response, "check the API access token.")
    if "values" not in _object(response):
        raise CheckFailed("The URL answered, but not as the Zephyr Scale API: check the URL (it ends in /v2).")
    return "Connected to Zephyr Scale: the API access token is valid."


async def check_xray(values: dict[str, Any], ctx: CheckContext) -> str:
    """POST /api/v2/authenticate with the client id and secret."""
    url = _url(values, "url", "Xray")
    body = json.dumps({"client_id": values.get("client_id") or "", "client_secret": values.get("client_secret") or ""})
    response = await _call(
        ctx,
        f"{url}/api/v2/authenticate",
        "Xray",
        method="POST",
        headers={"content-type": "application/json"},
        content=body.encode(),
    )
    if response.status_code != 200:
        raise _refused("Xray", response, "check the client id and secret.")
    if not isinstance(_json(response), str):
        raise CheckFailed("Xray answered without a token: check the URL.")
    return "Connected to Xray: the client id and secret are valid."


async def check_telegram(values: dict[str, Any], ctx: CheckContext) -> str:
    """getMe with the bot token (the token is in the path, so no URL appears in any message)."""
    base = str(values.get("url") or "https://api.telegram.org").strip().rstrip("/")
    token = _need(values, "token", "Telegram")
    if "/" in token or "?" in token or "#" in token:
        raise CheckFailed("The Telegram bot token is not well formed.")
    response = await _call(ctx, f"{base}/bot{token}/getMe", "Telegram", hide_url=True)
    answer = _object(response)
    if response.status_code != 200 or answer.get("ok") is not True:
        described = answer.get("description")
        reason = described.replace(token, "**********")[:200] if isinstance(described, str) else None
        raise CheckFailed(
            f"Telegram rejected the bot token (HTTP {response.status_code}" + (f": {reason})." if reason else ").")
        )
    result = answer.get("result")
    bot: dict[str, Any] = result if isinstance(result, dict) else {}
    return f"Connected to Telegram as bot @{bot.get('username') or 'unknown'}."


def a2a_headers(values: dict[str, Any]) -> dict[str, str]:
    """The headers an A2A integration's credentials send (the credential test and the remote-agent tool)."""
    auth_type = str(values.get("auth_type") or "")
    secret = str(values.get("auth_value") or "")
    if auth_type == "bearer":
        return {"authorization": f"Bearer {secret}"}
    if auth_type == "apikey":
        return {str(values.get("header_name") or "X-API-Key"): secret}
    if auth_type == "basic":
        return {"authorization": _basic(str(values.get("username") or ""), str(values.get("password") or ""))}
    if auth_type == "aws_signature":
        raise CheckFailed("Testing A2A integrations with AWS signatures is not supported yet.")
    return {}


async def check_a2a(values: dict[str, Any], ctx: CheckContext) -> str:
    """Fetch the agent card (/.well-known/agent-card.json, then the older agent.json) with the credentials."""
    url = _url(values, "url", "A2A")
    headers = a2a_headers(values)
    response = await _call(ctx, f"{url}/.well-known/agent-card.json", "A2A agent", headers=headers)
    if response.status_code == 404:
        response = await _call(ctx, f"{url}/.well-known/agent.json", "A2A agent", headers=headers)
    if response.status_code != 200:
        raise _refused("The A2A agent", response, "check the authentication settings.")
    name = _object(response).get("name")
    if not isinstance(name, str) or not name:
        raise CheckFailed("The URL answered, but not with an A2A agent card: check the URL.")
    return f"Connected to A2A agent '{name}'."


def _openapi_headers(values: dict[str, Any]) -> dict[str, str]:
    secret = str(values.get("openapi_api_key") or "")
    if values.get("is_basic_auth") in (True, "true", "True"):
        return {"authorization": _basic(str(values.get("openapi_username") or ""), secret)}
    if secret:
        return {str(values.get("auth_header_name") or "authorization"): secret}
    return {}


def _is_openapi(text: str) -> str | None:
    """The specification's title when `text` is an OpenAPI/Swagger document."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(document, dict) or not ("openapi" in document or "swagger" in document):
        return None
    info = document.get("info")
    title = info.get("title") if isinstance(info, dict) else None
    return str(title or "untitled")


async def check_openapi(values: dict[str, Any], ctx: CheckContext) -> str:
    """A specification given inline is parsed; one given as a URL is fetched (with the credentials) and parsed."""
    spec = _need(values, "openapi_spec", "OpenAPI")
    if not spec.startswith(("http://", "https://")):
        title = _is_openapi(spec)
        if title is None:
            raise CheckFailed("`openapi_spec` is neither an OpenAPI document nor its URL.")
        return f"The OpenAPI specification '{title}' is valid."
    response = await _call(ctx, spec, "OpenAPI specification", headers=_openapi_headers(values))
    if response.status_code != 200:
        raise _refused("The OpenAPI specification's server", response, "check the credentials.")
    title = _is_openapi(response.text)
    if title is None:
        raise CheckFailed("The specification URL answered, but not with an OpenAPI document.")
    return f"Fetched the OpenAPI specification '{title}'."
