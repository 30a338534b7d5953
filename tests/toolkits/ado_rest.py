"""A stand-in for Azure DevOps Boards, Wiki and Test Plans REST (the subset the tools use).

It checks the PAT (basic auth) and api-version on every call, the json-patch content type on work item
writes and the If-Match ETag on wiki page updates, as Azure DevOps does, and keeps what it holds in memory.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.openai_server import ThreadedServer


@dataclass
class Boards:
    """Work items, wiki pages and test plans of one project."""

    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[str]] = field(default_factory=dict)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> {id, content, version}
    requests: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for n, (kind, title, state) in enumerate(
            [("Bug", "Login fails on Safari", "Active"), ("Task", "Rotate the TLS certificate", "Closed")], 1
        ):
            self.items[n] = {"id": n, "fields": {"System.WorkItemType": kind, "System.Title": title,
                                                 "System.State": state}}  # fmt: skip
        self.pages["/Runbooks/Deploy"] = {"id": 7, "content": "Deploy with `make release`.", "version": 1}


class AzureDevOpsBoards(ThreadedServer):
    """/{org}/{project}/_apis/{wit,wiki,testplan}/..."""

    def __init__(self, organization: str, token: str) -> None:
        self.authorization = "Basic " + base64.b64encode(f":{token}".encode()).decode()
        self.state = Boards()
        base = f"/{organization}/{{project}}/_apis"
        app = Starlette(
            routes=[
                Route(base + "/wit/wiql", self._wiql, methods=["POST"]),
                Route(base + "/wit/workitems", self._items),
                Route(base + "/wit/workitems/{id:int}", self._item, methods=["GET", "PATCH"]),
                Route(base + "/wit/workitems/${kind}", self._create, methods=["POST"]),
                Route(base + "/wit/workItems/{id:int}/comments", self._comment, methods=["POST"]),
                Route(base + "/wiki/wikis/{wiki}/pages", self._page, methods=["GET", "PUT"]),
                Route(base + "/wiki/wikis/{wiki}/pages/{id:int}", self._page_by_id),
                Route(base + "/testplan/plans", self._plans),
                Route(base + "/testplan/plans/{plan:int}", self._plan),
                Route(base + "/testplan/Plans/{plan:int}/suites", self._suites),
                Route(base + "/testplan/Plans/{plan:int}/Suites/{suite:int}/TestCase", self._cases),
            ]
        )
        super().__init__(app, "azure-devops-boards")

    def _refused(self, request: Request) -> Response | None:
        self.state.requests.append((request.method, request.url.path))
        if request.headers.get("authorization") != self.authorization:
            return Response(status_code=401)
        if "api-version" not in request.query_params:
            return JSONResponse({"message": "No api-version was supplied for the request."}, status_code=400)
        return None

    async def _wiql(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        query = (await request.json())["query"]
        state = re.search(r"\[System.State\]\s*=\s*'([^']+)'", query)
        found = [i for i in self.state.items.values() if not state or i["fields"]["System.State"] == state.group(1)]
        return JSONResponse({"workItems": [{"id": i["id"]} for i in found]})

    async def _items(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        ids = [int(i) for i in request.query_params["ids"].split(",")]
        return JSONResponse({"count": len(ids), "value": [self.state.items[i] for i in ids]})

    async def _patched(self, request: Request, item: dict[str, Any]) -> Response | None:
        if request.headers.get("content-type") != "application/json-patch+json":
            return JSONResponse({"message": "Content-Type must be application/json-patch+json"}, status_code=415)
        for op in await request.json():
            item["fields"][op["path"].removeprefix("/fields/")] = op["value"]
        return None

    async def _item(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        item = self.state.items.get(request.path_params["id"])
        if item is None:
            return JSONResponse({"message": "Work item does not exist"}, status_code=404)
        if request.method == "PATCH" and (bad := await self._patched(request, item)):
            return bad
        return JSONResponse(item)

    async def _create(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        item: dict[str, Any] = {"id": max(self.state.items) + 1, "fields": {}}
        if bad := await self._patched(request, item):
            return bad
        item["fields"]["System.WorkItemType"] = request.path_params["kind"]
        self.state.items[item["id"]] = item
        return JSONResponse(item)

    async def _comment(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        text = (await request.json())["text"]
        self.state.comments.setdefault(request.path_params["id"], []).append(text)
        return JSONResponse({"id": len(self.state.comments[request.path_params["id"]]), "text": text})

    def _page_json(self, path: str, page: dict[str, Any]) -> Response:
        body = {"id": page["id"], "path": path, "content": page["content"]}
        return JSONResponse(body, headers={"ETag": f'"{page["version"]}"'})

    async def _page(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        path = request.query_params["path"]
        page = self.state.pages.get(path)
        if request.method == "GET":
            return self._page_json(path, page) if page else JSONResponse({"message": "not found"}, status_code=404)
        content = (await request.json())["content"]
        if page is None:
            page = self.state.pages[path] = {"id": 100 + len(self.state.pages), "content": content, "version": 1}
            return self._page_json(path, page)
        if request.headers.get("if-match") != f'"{page["version"]}"':
            return JSONResponse({"message": "The page was changed; pass its current ETag"}, status_code=412)
        page.update(content=content, version=page["version"] + 1)
        return self._page_json(path, page)

    async def _page_by_id(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        found = [(p, v) for p, v in self.state.pages.items() if v["id"] == request.path_params["id"]]
        return self._page_json(*found[0]) if found else JSONResponse({"message": "not found"}, status_code=404)

    async def _plans(self, request: Request) -> Response:
        return self._refused(request) or JSONResponse({"value": [{"id": 11, "name": "Release 2.4"}], "count": 1})

    async def _plan(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        if request.path_params["plan"] != 11:
            return JSONResponse({"message": "Test plan does not exist"}, status_code=404)
        return JSONResponse({"id": 11, "name": "Release 2.4", "state": "Active"})

    async def _suites(self, request: Request) -> Response:
        return self._refused(request) or JSONResponse({"value": [{"id": 12, "name": "Checkout regression"}]})

    async def _cases(self, request: Request) -> Response:
        body = {"value": [{"workItem": {"id": 31, "name": "Pay with a saved card"}}]}
        return self._refused(request) or JSONResponse(body)
