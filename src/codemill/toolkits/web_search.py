"""Research toolkit: `web_search`, through the search provider the operator configures.

A Tavily-style JSON API (POST {query, max_results} with the key as a bearer token; the answer holds
`results: [{title, url, content}]`; SearXNG's `format=json` and Brave answer in shapes read below too).
The key is the operator's (CODEMILL_WEB_SEARCH__API_KEY), not a user's integration: while it is
unset the tool is neither listed nor offered. The call goes through the guarded client.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from codemill.settings import Settings, WebSearchSettings
from codemill.toolkits.base import Binding, cut, http_call
from codemill.tools.base import ToolContext, ToolError

SEARCH_DESCRIPTION = "Search the web; returns the top results (title, URL, snippet). Read a page with web_scrapper."
_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"query": {"type": "string", "description": "What to search for"}},
    "required": ["query"],
}


def configured(settings: Settings | None) -> bool:
    """Whether a provider key is set (the tool exists only then)."""
    return settings is not None and settings.web_search.api_key is not None


def _results(body: Any) -> list[dict[str, Any]]:
    """The result list of a Tavily/SearXNG ({results: [...]}) or Brave ({web: {results: [...]}}) answer."""
    if not isinstance(body, dict):
        return []
    found = body.get("results")
    if found is None and isinstance(body.get("web"), dict):
        found = body["web"].get("results")
    return [r for r in found or [] if isinstance(r, dict)]


@dataclass(slots=True)
class WebSearch:
    """The `web_search` tool."""

    binding: Binding
    name: str = "web_search"
    label: str = "Web Search"
    description: str = SEARCH_DESCRIPTION
    parameters: dict[str, Any] = field(default_factory=lambda: _PARAMETERS)

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Ask the provider; the results as numbered lines."""
        query = str(args.get("query") or "").strip()
        if not query:
            raise ToolError("The argument 'query' must not be empty.")
        settings = ctx.settings
        if settings is None or not configured(settings):
            raise ToolError("Web search is not configured on this server.")
        provider: WebSearchSettings = settings.web_search
        key = provider.api_key.get_secret_value() if provider.api_key else ""
        status, text = await http_call(
            ctx,
            "POST",
            provider.url,
            headers={"authorization": f"Bearer {key}"},
            body={"query": query, "max_results": provider.max_results},
        )
        if status >= 400:
            raise ToolError(f"The search provider answered HTTP {status}.")
        try:
            results = _results(json.loads(text))
        except json.JSONDecodeError:
            raise ToolError("The search provider's answer is not JSON.") from None
        if not results:
            return f"No results for '{query}'."
        lines = [
            f"{n}. {r.get('title') or ''}\n   {r.get('url') or ''}\n   {r.get('content') or r.get('description') or ''}"
            for n, r in enumerate(results[: provider.max_results], 1)
        ]
        return cut("\n".join(lines))


def web_search_tool(binding: Binding) -> WebSearch:
    """The `web_search` tool bound to an assistant."""
    return WebSearch(binding)
