"""Stand-ins for GitLab's REST API v4 and GitHub's (Enterprise, /api/v3) REST API: one repository each,
held in memory (branches of files, merge/pull requests, comments), tokens checked, requests recorded."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.openai_server import ThreadedServer

REPO_PATH = "team/app"


@dataclass
class RepoState:
    """The repository: branches of files, requests for merge, comments; and what was asked."""

    branches: dict[str, dict[str, str]] = field(
        default_factory=lambda: {"main": {"README.md": "# App\n", "src/app.py": "print('v1')\n"}}
    )
    merges: list[dict[str, Any]] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _diff(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str]]:
    paths = sorted(set(old) | set(new))
    return [(p, f"-{old.get(p, '')}+{new.get(p, '')}") for p in paths if old.get(p) != new.get(p)]


class GitLabRest(ThreadedServer):
    """GitLab v4: /api/v4/projects/team%2Fapp/..., PRIVATE-TOKEN checked."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.state = RepoState()
        base = "/api/v4/projects/{project}"
        app = Starlette(
            routes=[
                Route(base, self._project),
                Route(base + "/repository/branches", self._branches, methods=["GET", "POST"]),
                Route(base + "/repository/files/{path}", self._file, methods=["GET", "POST", "PUT", "DELETE"]),
                Route(base + "/merge_requests", self._merge, methods=["POST"]),
                Route(base + "/merge_requests/{iid:int}/changes", self._changes),
                Route(base + "/merge_requests/{iid:int}/notes", self._note, methods=["POST"]),
                Route("/api/v4/user", lambda _r: JSONResponse({"username": "bot"})),
            ]
        )
        super().__init__(_RawPath(app), "gitlab-rest")  # type: ignore[arg-type]

    def _ok(self, request: Request) -> Response | None:
        self.state.requests.append((request.method, request.url.path))
        if request.headers.get("private-token") != self.token:
            return JSONResponse({"message": "401 Unauthorized"}, status_code=401)
        if unquote(request.path_params.get("project", REPO_PATH)) != REPO_PATH:
            return JSONResponse({"message": "404 Project Not Found"}, status_code=404)
        return None

    async def _project(self, request: Request) -> Response:
        return self._ok(request) or JSONResponse({"path_with_namespace": REPO_PATH, "default_branch": "main"})

    async def _branches(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        if request.method == "GET":
            return JSONResponse([{"name": b} for b in self.state.branches])
        name, ref = request.query_params["branch"], request.query_params["ref"]
        self.state.branches[name] = dict(self.state.branches[ref])
        return JSONResponse({"name": name}, status_code=201)

    async def _file(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        path = unquote(request.path_params["path"])
        if request.method == "GET":
            files = self.state.branches.get(request.query_params.get("ref", ""), {})
            if path not in files:
                return JSONResponse({"message": "404 File Not Found"}, status_code=404)
            content = base64.b64encode(files[path].encode()).decode()
            return JSONResponse({"file_path": path, "content": content, "encoding": "base64"})
        body = await request.json()
        files = self.state.branches[body["branch"]]
        if request.method == "POST" and path in files:
            return JSONResponse({"message": "A file with this name already exists"}, status_code=400)
        if request.method in ("PUT", "DELETE") and path not in files:
            return JSONResponse({"message": "A file with this name doesn't exist"}, status_code=400)
        if request.method == "DELETE":
            del files[path]
            return Response(status_code=204)
        files[path] = body["content"]
        return JSONResponse({"file_path": path, "branch": body["branch"]}, status_code=201)

    async def _merge(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        body = await request.json()
        iid = len(self.state.merges) + 1
        self.state.merges.append({**body, "iid": iid})
        return JSONResponse({"iid": iid, "web_url": f"{self.url}/{REPO_PATH}/-/merge_requests/{iid}"}, status_code=201)

    async def _changes(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        merge = self.state.merges[request.path_params["iid"] - 1]
        old, new = self.state.branches[merge["target_branch"]], self.state.branches[merge["source_branch"]]
        return JSONResponse({"changes": [{"old_path": p, "new_path": p, "diff": d} for p, d in _diff(old, new)]})

    async def _note(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        self.state.comments.append((request.path_params["iid"], (await request.json())["body"]))
        return JSONResponse({"id": len(self.state.comments)}, status_code=201)


class _RawPath:
    """Routes on the undecoded path, as GitLab does: a project id team%2Fapp is one path segment."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "path": scope["raw_path"].decode().split("?", 1)[0]}
        await self.app(scope, receive, send)


class GitHubRest(ThreadedServer):
    """GitHub Enterprise style: /api/v3/repos/team/app/..., bearer token checked, /api/v3/meta answered."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.state = RepoState()
        base = "/api/v3/repos/team/app"
        app = Starlette(
            routes=[
                Route("/api/v3/meta", lambda _r: JSONResponse({"verifiable_password_authentication": False})),
                Route(base, self._repo),
                Route(base + "/branches", self._branches),
                Route(base + "/git/ref/heads/{name}", self._ref),
                Route(base + "/git/refs", self._new_ref, methods=["POST"]),
                Route(base + "/contents/{path:path}", self._contents, methods=["GET", "PUT", "DELETE"]),
                Route(base + "/pulls", self._pull, methods=["POST"]),
                Route(base + "/pulls/{number:int}/files", self._files),
                Route(base + "/issues/{number:int}/comments", self._comment, methods=["POST"]),
            ]
        )
        super().__init__(app, "github-rest")

    def _ok(self, request: Request) -> Response | None:
        self.state.requests.append((request.method, request.url.path))
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        return None

    async def _repo(self, request: Request) -> Response:
        return self._ok(request) or JSONResponse({"full_name": REPO_PATH, "default_branch": "main"})

    async def _branches(self, request: Request) -> Response:
        return self._ok(request) or JSONResponse([{"name": b} for b in self.state.branches])

    async def _ref(self, request: Request) -> Response:
        name = request.path_params["name"]
        return self._ok(request) or JSONResponse({"ref": f"refs/heads/{name}", "object": {"sha": f"sha-of-{name}"}})

    async def _new_ref(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        body = await request.json()
        source = body["sha"].removeprefix("sha-of-")
        self.state.branches[body["ref"].removeprefix("refs/heads/")] = dict(self.state.branches[source])
        return JSONResponse(body, status_code=201)

    async def _contents(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        path = request.path_params["path"]
        if request.method == "GET":
            files = self.state.branches.get(request.query_params.get("ref", ""), {})
            if path not in files:
                return JSONResponse({"message": "Not Found"}, status_code=404)
            content = base64.b64encode(files[path].encode()).decode()
            return JSONResponse({"path": path, "sha": _sha(files[path]), "content": content})
        body = await request.json()
        files = self.state.branches[body["branch"]]
        if path in files and body.get("sha") != _sha(files[path]):
            return JSONResponse({"message": "sha wasn't supplied or does not match"}, status_code=409)
        if request.method == "DELETE":
            del files[path]
            return JSONResponse({"commit": {}})
        files[path] = base64.b64decode(body["content"]).decode()
        return JSONResponse({"content": {"path": path}}, status_code=201)

    async def _pull(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        body = await request.json()
        number = len(self.state.merges) + 1
        self.state.merges.append({**body, "number": number})
        return JSONResponse({"number": number, "html_url": f"{self.url}/{REPO_PATH}/pull/{number}"}, status_code=201)

    async def _files(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        pull = self.state.merges[request.path_params["number"] - 1]
        old, new = self.state.branches[pull["base"]], self.state.branches[pull["head"]]
        return JSONResponse([{"filename": p, "patch": d} for p, d in _diff(old, new)])

    async def _comment(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        self.state.comments.append((request.path_params["number"], (await request.json())["body"]))
        return JSONResponse({"id": len(self.state.comments)}, status_code=201)


class AzureDevOpsRest(ThreadedServer):
    """Azure DevOps Repos: /{org}/{project}/_apis/git/repositories[/{repo}/pullrequests], PAT as basic auth,
    api-version required."""

    def __init__(self, organization: str, token: str) -> None:
        self.authorization = "Basic " + base64.b64encode(f":{token}".encode()).decode()
        self.pulls: list[dict[str, Any]] = []
        base = f"/{organization}/{{project}}/_apis/git/repositories"
        app = Starlette(
            routes=[
                Route(base, self._repositories),
                Route(base + "/{repo}/pullrequests", self._pull, methods=["POST"]),
            ]
        )
        super().__init__(app, "azure-devops-rest")

    def _ok(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != self.authorization:
            return Response(status_code=401)
        if "api-version" not in request.query_params:
            return JSONResponse({"message": "No api-version was supplied for the request."}, status_code=400)
        return None

    async def _repositories(self, request: Request) -> Response:
        project = request.path_params["project"]
        return self._ok(request) or JSONResponse({"count": 1, "value": [{"name": "app", "project": {"name": project}}]})

    async def _pull(self, request: Request) -> Response:
        if refused := self._ok(request):
            return refused
        body = await request.json()
        self.pulls.append(body)
        return JSONResponse({"pullRequestId": len(self.pulls), **body}, status_code=201)
