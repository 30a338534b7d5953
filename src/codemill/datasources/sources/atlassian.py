"""Confluence (CQL) and Jira (JQL) through their REST APIs: paging, and backoff on rate limits.

Confluence: GET /rest/api/content/search?cql=…&start=…&limit=…&expand=body.storage,version, following
`_links.next`. Jira: GET /rest/api/2/search?jql=…&startAt=…&maxResults=…, until `total` is reached
(or `nextPageToken` runs out, as Jira Cloud's newer search answers).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx

from codemill.datasources.sources.documents import html_text
from codemill.kit.outbound import OutboundClient

JIRA_FIELDS = "summary,description,status,issuetype,priority,assignee,reporter,labels,components,comment,updated"


class FetchError(Exception):
    """The remote service refused or failed (after retries)."""


@dataclass
class Page:
    """A fetched document: path is its stable id within the datasource."""

    path: str
    title: str
    url: str
    text: str

    @property
    def content_hash(self) -> str:
        """Hash of what gets indexed."""
        return hashlib.sha256(f"{self.title}\n{self.text}".encode()).hexdigest()


def auth_headers(username: str | None, token: str) -> dict[str, str]:
    """Cloud: basic auth with the account email; Server/DC: a bearer personal access token."""
    if username:
        return {"Authorization": "Basic " + base64.b64encode(f"{username}:{token}".encode()).decode()}
    return {"Authorization": f"Bearer {token}"}


class RestFetcher:
    """GET JSON with retries: 429 and 5xx back off (Retry-After when given, else exponential)."""

    def __init__(self, outbound: OutboundClient, headers: dict[str, str], max_retries: int, backoff: float) -> None:
        self.outbound = outbound
        self.headers = {"Accept": "application/json", **headers}
        self.max_retries = max_retries
        self.backoff = backoff

    async def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        for attempt in range(self.max_retries + 1):
            response = await self.outbound.request("GET", url, headers=self.headers, params=params)
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == self.max_retries:
                    raise FetchError(f"{httpx.URL(url).host} answered {response.status_code} after {attempt + 1} tries")
                await asyncio.sleep(_retry_after(response) or self.backoff * 2**attempt)
                continue
            if response.status_code in (401, 403):
                raise FetchError(f"{httpx.URL(url).host} refused the credentials ({response.status_code})")
            if response.status_code != 200:
                raise FetchError(f"{httpx.URL(url).host} answered {response.status_code}: {response.text[:300]}")
            return response.json()
        raise FetchError("retries exhausted")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return min(float(value), 60.0)
    except ValueError:
        return None


async def confluence_pages(
    fetcher: RestFetcher, base_url: str, cql: str, page_size: int, max_pages: int | None
) -> AsyncIterator[Page]:
    """Every page the CQL finds (storage-format bodies turned into text)."""
    base = base_url.rstrip("/")
    url: str | None = f"{base}/rest/api/content/search"
    params: dict[str, Any] | None = {"cql": cql, "start": 0, "limit": page_size, "expand": "body.storage,version"}
    seen = 0
    while url:
        payload = await fetcher.get_json(url, params)
        results = payload.get("results") or []
        for item in results:
            body = ((item.get("body") or {}).get("storage") or {}).get("value") or ""
            webui = (item.get("_links") or {}).get("webui") or ""
            title = item.get("title") or ""
            yield Page(
                f"confluence/{item.get('id')}",
                title,
                urljoin(base + "/", webui.lstrip("/")),
                f"{title}\n\n{html_text(body)}",
            )
            seen += 1
            if max_pages and seen >= max_pages:
                return
        links = payload.get("_links") or {}
        following = links.get("next")
        if following and results:
            # `next` is relative to `_links.base` (Cloud: https://site/wiki); never leave the configured site.
            root = str(links.get("base") or base)
            root = root if httpx.URL(root).netloc == httpx.URL(base).netloc else base
            url, params = urljoin(root.rstrip("/") + "/", str(following).lstrip("/")), None
        elif results and len(results) >= int(payload.get("limit") or page_size) and params is not None:
            params = {**params, "start": int(params["start"]) + len(results)}
        else:
            url = None


async def jira_issues(fetcher: RestFetcher, base_url: str, jql: str, page_size: int) -> AsyncIterator[Page]:
    """Every issue the JQL finds, as text: key, summary, fields, description and comments."""
    base = base_url.rstrip("/")
    start = 0
    token: str | None = None
    while True:
        params: dict[str, Any] = {"jql": jql, "maxResults": page_size, "fields": JIRA_FIELDS}
        if token:
            params["nextPageToken"] = token
        else:
            params["startAt"] = start
        payload = await fetcher.get_json(f"{base}/rest/api/2/search", params)
        issues = payload.get("issues") or []
        for issue in issues:
            yield _issue_page(base, issue)
        start += len(issues)
        token = payload.get("nextPageToken")
        total = payload.get("total")
        if not issues or (token is None and (total is None or start >= int(total))):
            return


def _issue_page(base: str, issue: dict[str, Any]) -> Page:
    key = str(issue.get("key"))
    fields = issue.get("fields") or {}
    summary = str(fields.get("summary") or "")
    lines = [f"{key}: {summary}"]
    for name in ("issuetype", "status", "priority", "assignee", "reporter"):
        value = fields.get(name)
        if isinstance(value, dict):
            value = value.get("name") or value.get("displayName")
        if value:
            lines.append(f"{name}: {value}")
    if fields.get("labels"):
        lines.append("labels: " + ", ".join(map(str, fields["labels"])))
    description = fields.get("description")
    if description:
        lines.append("\n" + (description if isinstance(description, str) else _adf_text(description)))
    for comment in ((fields.get("comment") or {}).get("comments") or [])[:50]:
        author = (comment.get("author") or {}).get("displayName", "")
        body = comment.get("body")
        lines.append(f"\ncomment by {author}: " + (body if isinstance(body, str) else _adf_text(body)))
    return Page(f"jira/{key}", f"{key}: {summary}", f"{base}/browse/{key}", "\n".join(lines))


def _adf_text(node: Any) -> str:
    """Plain text of an Atlassian Document Format tree (Jira Cloud v3 bodies)."""
    if isinstance(node, dict):
        if node.get("type") == "text":
            return str(node.get("text", ""))
        inner = "".join(_adf_text(child) for child in node.get("content") or [])
        return inner + ("\n" if node.get("type") in ("paragraph", "heading", "listItem") else "")
    if isinstance(node, list):
        return "".join(_adf_text(child) for child in node)
    return ""
