"""A stand-in for Jira's and Confluence's REST APIs (the subset the generic tools are tested with).

It keeps issues, comments and pages in memory, checks the authorization header it is given, and
records every request, so a test can tell what really reached the "site".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.openai_server import ThreadedServer


@dataclass
class AtlassianState:
    """What the site holds and what it was asked."""

    authorization: str
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, authorization)

    def __post_init__(self) -> None:
        for n, summary in enumerate(["Checkout fails for cards issued abroad", "Yen amounts rounded to cents"], 1):
            self.issues[f"PAY-{n}"] = {
                "key": f"PAY-{n}",
                "fields": {"summary": summary, "status": {"name": "Open"}, "comment": {"comments": []}},
            }
        self.pages["65999"] = {
            "id": "65999",
            "title": "Incident runbook",
            "version": {"number": 1},
            "space": {"key": "ENG"},
            "body": {"storage": {"value": "<p>Page the on-call SRE.</p>"}},
        }


class AtlassianRest(ThreadedServer):
    """Jira at /rest/api/2, Confluence at /wiki/rest/api, on a loopback port."""

    def __init__(self, authorization: str) -> None:
        self.state = AtlassianState(authorization)
        app = Starlette(
            routes=[
                Route("/rest/api/2/search", self._search, methods=["GET", "POST"]),
                Route("/rest/api/2/issue", self._create_issue, methods=["POST"]),
                Route("/rest/api/2/issue/{key}", self._issue, methods=["GET", "PUT", "DELETE"]),
                Route("/rest/api/2/issue/{key}/comment", self._comment, methods=["POST"]),
                Route("/rest/api/2/issue/{key}/transitions", self._transitions, methods=["GET", "POST"]),
                Route("/wiki/rest/api/content/search", self._cql, methods=["GET"]),
                Route("/wiki/rest/api/content", self._create_page, methods=["POST"]),
                Route("/wiki/rest/api/content/{id}", self._page, methods=["GET", "PUT"]),
            ],
            middleware=[],
        )
        app.add_middleware(_Recorder, state=self.state)
        super().__init__(app, "atlassian-rest")

    async def _search(self, request: Request) -> Response:
        jql = request.query_params.get("jql") or (await request.json() if request.method == "POST" else {}).get(
            "jql", ""
        )
        project = jql.split("=")[1].split()[0].strip() if "project" in jql else ""
        found = [i for k, i in self.state.issues.items() if k.startswith(f"{project}-")]
        return JSONResponse({"startAt": 0, "maxResults": 50, "total": len(found), "issues": found})

    async def _create_issue(self, request: Request) -> Response:
        fields = (await request.json())["fields"]
        key = f"{fields['project']['key']}-{len(self.state.issues) + 1}"
        self.state.issues[key] = {
            "key": key,
            "fields": {**fields, "status": {"name": "Open"}, "comment": {"comments": []}},
        }
        return JSONResponse({"id": str(10000 + len(self.state.issues)), "key": key}, status_code=201)

    async def _issue(self, request: Request) -> Response:
        issue = self.state.issues.get(request.path_params["key"])
        if issue is None:
            return JSONResponse({"errorMessages": ["Issue does not exist"]}, status_code=404)
        if request.method == "PUT":
            issue["fields"].update((await request.json())["fields"])
            return Response(status_code=204)
        if request.method == "DELETE":
            del self.state.issues[issue["key"]]
            return Response(status_code=204)
        return JSONResponse(issue)

    async def _comment(self, request: Request) -> Response:
        issue = self.state.issues[request.path_params["key"]]
        comment = {"id": str(len(issue["fields"]["comment"]["comments"]) + 1), "body": (await request.json())["body"]}
        issue["fields"]["comment"]["comments"].append(comment)
        return JSONResponse(comment, status_code=201)

    async def _transitions(self, request: Request) -> Response:
        issue = self.state.issues[request.path_params["key"]]
        if request.method == "GET":
            return JSONResponse({"transitions": [{"id": "31", "name": "Done"}]})
        if (await request.json())["transition"]["id"] != "31":
            return JSONResponse({"errorMessages": ["no such transition"]}, status_code=400)
        issue["fields"]["status"] = {"name": "Done"}
        return Response(status_code=204)

    async def _cql(self, request: Request) -> Response:
        cql = request.query_params.get("cql", "")
        found = [p for p in self.state.pages.values() if p["title"].lower().split()[0] in cql.lower()]
        return JSONResponse({"results": [{"id": p["id"], "title": p["title"]} for p in found], "size": len(found)})

    async def _create_page(self, request: Request) -> Response:
        body = await request.json()
        page_id = str(70000 + len(self.state.pages))
        self.state.pages[page_id] = {**body, "id": page_id, "version": {"number": 1}}
        return JSONResponse(self.state.pages[page_id])

    async def _page(self, request: Request) -> Response:
        page = self.state.pages.get(request.path_params["id"])
        if page is None:
            return JSONResponse({"message": "No content found"}, status_code=404)
        if request.method == "PUT":
            body = await request.json()
            if body["version"]["number"] != page["version"]["number"] + 1:
                return JSONResponse({"message": "Version must be incremented on update"}, status_code=409)
            page.update(body)
        return JSONResponse(page)


class _Recorder:
    """Records each request and refuses a wrong authorization header with 401, as the real sites do."""

    def __init__(self, app: Any, state: AtlassianState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        authorization = headers.get("authorization", "")
        self.state.requests.append((scope["method"], scope["path"], authorization))
        if authorization != self.state.authorization:
            await JSONResponse({"message": "Unauthorized"}, status_code=401)(scope, receive, send)
            return
        await self.app(scope, receive, send)
