"""A stand-in for a web search provider (Tavily's JSON API): it checks the bearer key and answers
from a tiny fixed index, recording each query."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.openai_server import ThreadedServer

PAGES = [
    {"title": "PostgreSQL 17 release notes", "url": "https://www.postgresql.org/docs/17/release-17.html",
     "content": "Incremental backup with pg_basebackup --incremental."},
    {"title": "pgvector README", "url": "https://github.com/pgvector/pgvector",
     "content": "Open-source vector similarity search for Postgres."},
]  # fmt: skip


class SearchProvider(ThreadedServer):
    """POST /search {query, max_results} -> {results: [{title, url, content}]}."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.queries: list[dict[str, Any]] = []
        super().__init__(Starlette(routes=[Route("/search", self._search, methods=["POST"])]), "search-provider")

    async def _search(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.key}":
            return JSONResponse({"detail": {"error": "Unauthorized: missing or invalid API key."}}, status_code=401)
        body = await request.json()
        self.queries.append(body)
        words = str(body.get("query", "")).lower().split()
        found = [p for p in PAGES if any(w in (p["title"] + p["content"]).lower() for w in words)]
        return JSONResponse({"query": body.get("query"), "results": found[: int(body.get("max_results", 5))]})
