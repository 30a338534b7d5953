"""A local server replaying Confluence's and Jira's documented REST responses (paging, a rate limit)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

TOKEN = "atlassian-token-123"
PAGES = [
    (
        str(65000 + n),
        f"Design note {n}",
        f"<p>Design note {n} explains the <strong>component {n}</strong> of the billing system.</p>",
    )
    for n in range(7)
] + [
    (
        "65999",
        "Incident runbook",
        "<h1>Incident runbook</h1><p>When the payment gateway times out, page the on-call SRE and fail over to the secondary region.</p><script>ignored()</script>",
    )
]
ISSUES = [
    {"id": str(10000 + n), "key": f"PAY-{n}", "fields": {
        "summary": f"Payment issue {n}", "description": f"Checkout step {n} fails for cards issued abroad.",
        "status": {"name": "Open"}, "issuetype": {"name": "Bug"}, "labels": ["payments"],
        "comment": {"comments": [{"author": {"displayName": "Ann"}, "body": f"Reproduced on build {n}."}]},
    }}
    for n in range(5)
] + [{"id": "10099", "key": "PAY-99", "fields": {"summary": "Currency rounding", "description": {
    "type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Yen amounts must never be rounded to cents."}]}]}}}]  # fmt: skip


class AtlassianServer:
    """Serves /wiki/rest/api/content/search and /rest/api/2/search; the first request of each page gets a 429."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.throttled: set[str] = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                if self.headers.get("Authorization") not in (f"Bearer {TOKEN}", _basic()):
                    return self._send(401, {"message": "Unauthorized"})
                if self.path not in server.throttled:
                    server.throttled.add(self.path)
                    return self._send(429, {"message": "Rate limit exceeded"}, {"Retry-After": "0"})
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/wiki/rest/api/content/search":
                    return self._send(200, server.confluence(query))
                if url.path == "/rest/api/2/search":
                    return self._send(200, server.jira(query))
                return self._send(404, {"message": "not found"})

            def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def confluence(self, query: dict[str, str]) -> dict[str, Any]:
        start, limit = int(query.get("start", 0)), int(query.get("limit", 25))
        chosen = PAGES[start : start + limit]
        links: dict[str, Any] = {"base": f"{self.url}/wiki", "context": "/wiki"}
        if start + limit < len(PAGES):
            links["next"] = "/rest/api/content/search?" + urlencode(
                {"cql": query["cql"], "limit": limit, "start": start + limit, "expand": query.get("expand", "")}
            )
        return {
            "results": [
                {"id": pid, "type": "page", "status": "current", "title": title,
                 "body": {"storage": {"value": html, "representation": "storage"}}, "version": {"number": 1},
                 "_links": {"webui": f"/spaces/ENG/pages/{pid}", "self": f"{self.url}/wiki/rest/api/content/{pid}"}}
                for pid, title, html in chosen
            ],
            "start": start, "limit": limit, "size": len(chosen), "_links": links,
        }  # fmt: skip

    def jira(self, query: dict[str, str]) -> dict[str, Any]:
        start, limit = int(query.get("startAt", 0)), int(query.get("maxResults", 50))
        return {
            "expand": "names,schema",
            "startAt": start,
            "maxResults": limit,
            "total": len(ISSUES),
            "issues": ISSUES[start : start + limit],
        }

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _basic() -> str:
    import base64

    return "Basic " + base64.b64encode(f"bot@example.com:{TOKEN}".encode()).decode()
