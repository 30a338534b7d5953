"""Credential checkers over HTTP: Jira and Confluence "who am I", AWS STS GetCallerIdentity, and more.

Every request goes through the guarded outbound client. Messages say what went wrong without ever
echoing a secret.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx

from codemill.integrations.checking import CheckContext, CheckFailed
from codemill.kit.outbound import OutboundFailed, OutboundRefused

_REGION = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+-\d+$|^[a-z0-9-]{2,32}$")


def _basic(username: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode("ascii")


def _base_url(values: dict[str, Any], key: str, what: str) -> str:
    url = str(values.get(key) or "").strip().rstrip("/")
    if not url:
        raise CheckFailed(f"Testing a {what} integration needs its `{key}`.")
    return url


async def _get(ctx: CheckContext, url: str, headers: dict[str, str], what: str) -> httpx.Response:
    try:
        return await ctx.outbound.request(
            "GET", url, headers={"accept": "application/json", **headers}, timeout_seconds=ctx.timeout
        )
    except (OutboundRefused, OutboundFailed) as exc:
        raise CheckFailed(f"{what}: {exc}") from exc


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _refused(what: str, response: httpx.Response, hint: str) -> CheckFailed:
    if response.status_code in (401, 403):
        return CheckFailed(f"{what} rejected the credentials (HTTP {response.status_code}): {hint}")
    if response.status_code == 404:
        return CheckFailed(f"{what} API not found at this URL (HTTP 404): check the URL.")
    return CheckFailed(f"{what} answered HTTP {response.status_code}.")


def _atlassian_auth(values: dict[str, Any]) -> dict[str, str]:
    """Cloud (or any username given): basic username:token; Server/Data Center PAT: bearer."""
    token = str(values.get("token") or "")
    username = str(values.get("username") or "")
    if username:
        return {"authorization": _basic(username, token)}
    return {"authorization": f"Bearer {token}"}


async def check_jira(values: dict[str, Any], ctx: CheckContext) -> str:
    """GET /rest/api/2/myself."""
    url = _base_url(values, "url", "Jira")
    response = await _get(ctx, f"{url}/rest/api/2/myself", _atlassian_auth(values), "Jira")
    if response.status_code != 200:
        raise _refused("Jira", response, "check the username and token.")
    me = _json(response)
    who = me.get("displayName") or me.get("name") or me.get("emailAddress") or me.get("accountId")
    if not who:
        raise CheckFailed("Jira answered, but not with a user: check the URL.")
    return f"Connected to Jira as {who}."


async def check_confluence(values: dict[str, Any], ctx: CheckContext) -> str:
    """GET /rest/api/user/current (an anonymous answer means the credentials were not accepted)."""
    url = _base_url(values, "url", "Confluence")
    response = await _get(ctx, f"{url}/rest/api/user/current", _atlassian_auth(values), "Confluence")
    if response.status_code != 200:
        raise _refused("Confluence", response, "check the username and token.")
    me = _json(response)
    if me.get("type") == "anonymous" or not (me.get("displayName") or me.get("username") or me.get("accountId")):
        raise CheckFailed("Confluence rejected the credentials: it answered as an anonymous user.")
    return f"Connected to Confluence as {me.get('displayName') or me.get('username') or me.get('accountId')}."


def _xml_field(body: str, name: str) -> str | None:
    found = re.search(rf"<{name}>([^<]*)</{name}>", body)
    return found.group(1).strip() if found else None


async def check_aws(values: dict[str, Any], ctx: CheckContext) -> str:
    """STS GetCallerIdentity, signed with SigV4."""
    region = str(values.get("aws_region") or "").strip()
    if not _REGION.match(region):
        raise CheckFailed("Testing an AWS integration needs a valid `aws_region` (for example eu-west-1).")
    endpoint = str(values.get("aws_endpoint_url") or f"https://sts.{region}.amazonaws.com").rstrip("/") + "/"
    try:
        parsed = httpx.URL(endpoint)
    except (httpx.InvalidURL, ValueError):
        parsed = None
    # Refused before signing: botocore fails on a URL without a host ("http://", "https:///x").
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise CheckFailed(
            "`aws_endpoint_url` must be an http(s) URL with a host, for example https://sts.eu-west-1.amazonaws.com."
        )
    # botocore (~7 MB) only signs this request: it loads when an AWS integration is first tested.
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    credentials = Credentials(
        str(values.get("aws_access_key_id") or ""),
        str(values.get("aws_secret_access_key") or ""),
        str(values.get("aws_session_token") or "") or None,
    )
    body = "Action=GetCallerIdentity&Version=2011-06-15"
    request = AWSRequest(
        method="POST",
        url=endpoint,
        data=body,
        headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(credentials, "sts", region).add_auth(request)
    headers = {key: str(value) for key, value in request.headers.items()}
    try:
        response = await ctx.outbound.request(
            "POST", endpoint, headers=headers, content=body.encode(), timeout_seconds=ctx.timeout
        )
    except (OutboundRefused, OutboundFailed) as exc:
        raise CheckFailed(f"AWS STS: {exc}") from exc
    text = response.text
    if response.status_code != 200:
        code = _xml_field(text, "Code") or f"HTTP {response.status_code}"
        message = _xml_field(text, "Message") or "the request was refused"
        raise CheckFailed(f"AWS rejected the credentials ({code}): {message}")
    arn = _xml_field(text, "Arn")
    if not arn:
        raise CheckFailed("AWS STS answered without a caller identity: check `aws_endpoint_url`.")
    return f"Connected to AWS as {arn}."


async def check_azure_devops(values: dict[str, Any], ctx: CheckContext) -> str:
    """List the organization's projects with the PAT (a 203 sign-in page means the PAT was refused)."""
    url = _base_url(values, "url", "Azure DevOps")
    organization = str(values.get("organization") or "").strip("/ ")
    if not organization:
        raise CheckFailed("Testing an Azure DevOps integration needs its `organization`.")
    headers = {"authorization": _basic("", str(values.get("token") or ""))}
    response = await _get(ctx, f"{url}/{organization}/_apis/projects?api-version=7.0", headers, "Azure DevOps")
    if response.status_code == 203 or (response.status_code == 200 and "value" not in _json(response)):
        raise CheckFailed("Azure DevOps rejected the token: it answered with a sign-in page.")
    if response.status_code != 200:
        raise _refused("Azure DevOps", response, "check the personal access token and its scopes.")
    return f"Connected to Azure DevOps organization {organization}: {len(_json(response)['value'])} projects visible."


async def check_openai_compatible(values: dict[str, Any], ctx: CheckContext) -> str:
    """GET {url}/models with the key as a bearer token."""
    url = _base_url(values, "url", "LLM")
    headers = {"authorization": f"Bearer {values.get('api_key') or ''}"}
    response = await _get(ctx, f"{url}/models", headers, "LLM endpoint")
    if response.status_code != 200:
        raise _refused("The LLM endpoint", response, "check the API key.")
    models = _json(response).get("data")
    count = len(models) if isinstance(models, list) else 0
    return f"Connected to the LLM endpoint: {count} models available."
