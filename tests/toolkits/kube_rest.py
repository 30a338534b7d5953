"""A stand-in for a Kubernetes API server: pods and deployments of one namespace, bearer token checked,
label selectors applied, a merge-patch of a deployment's replicas, Kubernetes' Status bodies for errors."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.openai_server import ThreadedServer


def _status(code: int, message: str) -> JSONResponse:
    return JSONResponse({"kind": "Status", "status": "Failure", "message": message, "code": code}, status_code=code)


class KubeApi(ThreadedServer):
    """/api/v1/namespaces/{ns}/pods and /apis/apps/v1/namespaces/{ns}/deployments[/{name}]."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.requests: list[tuple[str, str]] = []
        self.pods = [
            {"metadata": {"name": "web-7d9f-abcde", "labels": {"app": "web"}}, "status": {"phase": "Running"}},
            {"metadata": {"name": "worker-5c8b-fghij", "labels": {"app": "worker"}}, "status": {"phase": "Pending"}},
        ]
        self.deployments: dict[str, dict[str, Any]] = {"web": {"metadata": {"name": "web"}, "spec": {"replicas": 2}}}
        app = Starlette(
            routes=[
                Route("/api/v1/namespaces/{ns}/pods", self._pods),
                Route("/apis/apps/v1/namespaces/{ns}/deployments/{name}", self._deployment, methods=["GET", "PATCH"]),
            ]
        )
        super().__init__(app, "kube-api")

    def _refused(self, request: Request) -> Response | None:
        self.requests.append((request.method, str(request.url.path)))
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _status(401, "Unauthorized")
        if request.path_params.get("ns") != "shop":
            return _status(403, f'namespaces "{request.path_params.get("ns")}" is forbidden')
        return None

    async def _pods(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        selector = request.query_params.get("labelSelector", "")
        key, _, value = selector.partition("=")
        items = [p for p in self.pods if not selector or p["metadata"]["labels"].get(key) == value]
        return JSONResponse({"kind": "PodList", "items": items})

    async def _deployment(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        found = self.deployments.get(request.path_params["name"])
        if found is None:
            return _status(404, f'deployments.apps "{request.path_params["name"]}" not found')
        if request.method == "PATCH":
            if request.headers.get("content-type") != "application/merge-patch+json":
                return _status(415, "the body of the request was in an unknown format")
            found["spec"].update((await request.json())["spec"])
        return JSONResponse(found)
