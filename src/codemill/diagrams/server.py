"""`codemill mermaid`: a Mermaid server with mermaid.ink's API, rendering with the local Chromium renderer.

GET /svg/<encoded>, GET /img/<encoded>?type=png|jpeg (png only here), GET /health. The API uses it
through CODEMILL_MERMAID__URL exactly as it uses mermaid.ink.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from codemill.diagrams.encoding import decode
from codemill.diagrams.local import LocalMermaid, chromium_executable, mermaid_script
from codemill.diagrams.renderer import DiagramFormat
from codemill.diagrams.service import render_diagram
from codemill.errors import CodemillError
from codemill.settings import MermaidSettings


def mermaid_app(settings: MermaidSettings) -> Starlette:
    """The renderer service's ASGI app (one browser for the process)."""
    renderer = LocalMermaid(settings)

    async def answer(segment: str, fmt: DiagramFormat) -> Response:
        try:
            image = await render_diagram(renderer, settings, decode(segment), fmt)
        except CodemillError as exc:
            return JSONResponse({"error": {"message": exc.message, "details": exc.details}}, status_code=exc.status)
        return Response(image, media_type=fmt.media_type)

    async def svg(request: Request) -> Response:
        return await answer(request.path_params["encoded"], DiagramFormat.SVG)

    async def img(request: Request) -> Response:
        if request.query_params.get("type", "png") != "png":
            return JSONResponse({"error": {"message": "only type=png is rendered"}}, status_code=400)
        return await answer(request.path_params["encoded"], DiagramFormat.PNG)

    async def health(_request: Request) -> Response:
        try:
            chromium_executable(settings)
            mermaid_script(settings)
        except CodemillError as exc:
            return JSONResponse({"status": "unavailable", "message": exc.message}, status_code=503)
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await renderer.aclose()

    routes = [
        Route("/svg/{encoded:path}", svg),
        Route("/img/{encoded:path}", img),
        Route("/health", health),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def serve_mermaid(settings: MermaidSettings, host: str, port: int) -> None:
    """Run the renderer service until stopped."""
    uvicorn.run(mermaid_app(settings), host=host, port=port, log_config=None, access_log=False)
