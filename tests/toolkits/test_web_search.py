"""web_search on a live server: offered only where a provider key is configured; the model's query
reaches the provider (a Tavily-style stand-in) with the key, and the results come back as text."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.conftest import TestUser
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.server import LiveServer
from tests.toolkits.search_rest import SearchProvider

from .live import chat, create_assistant, ended_thoughts, server_http


def _research_tools(http: httpx.Client) -> list[str]:
    listed = http.get("/v1/assistants/tools").json()
    return [t["name"] for k in listed if k["toolkit"] == "Research" for t in k["tools"]]


def test_web_search_is_hidden_without_a_provider_key(
    live_server: LiveServer, make_user: Callable[..., TestUser]
) -> None:
    assert _research_tools(make_user("no-search").http) == ["web_scrapper"]


def test_an_assistant_searches_the_web_through_the_provider(
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    search_provider: SearchProvider,
    make_user: Callable[..., TestUser],
) -> None:
    user = make_user("searcher")
    scripted.script.plan = [("web_search", {"query": "pgvector"}), ("web_search", {"query": "  "})]
    with server_http(scripted_server.url, user) as http:
        assert _research_tools(http) == ["web_scrapper", "web_search"]
        assistant_id = create_assistant(user, http, "Research", [])
        lines = chat(http, assistant_id, f"search-{user.id[:8]}", "What is pgvector?")
    found, empty = ended_thoughts(lines)
    assert found["error"] is False
    assert "1. pgvector README\n   https://github.com/pgvector/pgvector" in found["message"]
    assert "PostgreSQL 17" not in found["message"]
    assert empty["error"] is True and "must not be empty" in empty["message"]
    assert search_provider.queries[-1] == {"query": "pgvector", "max_results": 5}
