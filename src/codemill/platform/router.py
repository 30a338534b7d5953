"""/v1/healthcheck, /v1/info, /v1/config."""

from __future__ import annotations

import os
from typing import Any

import psutil
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from codemill import __version__

router = APIRouter(prefix="/v1", tags=["platform"])
_process = psutil.Process()


@router.get("/healthcheck")
async def healthcheck(request: Request) -> JSONResponse:
    """Liveness and readiness: 200 when the database answers, 503 otherwise."""
    resources = request.app.state.resources
    database = "ok"
    try:
        async with resources.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        database = f"unavailable: {type(exc).__name__}"
    healthy = database == "ok"
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "database": database,
        "memory_usage_mb": round(_process.memory_info().rss / 1_048_576, 1),
        "cpu_percent": _process.cpu_percent(interval=None),
        "worker_pid": os.getpid(),
        "version": __version__,
    }
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get("/info")
async def info(request: Request) -> dict[str, Any]:
    """What this server is."""
    return {
        "message": "Codemill",
        "version": __version__,
        "description": "Open, self-hostable AI assistants platform (CodeMie-compatible /v1 API)",
        "fileDatasourceMaxUploadCount": 10,
    }


@router.get("/config")
async def config(request: Request) -> list[dict[str, Any]]:
    """Client configuration, as a list of components (CodeMie's shape): auth modes, endpoints, plugins."""
    settings = request.app.state.resources.settings
    auth: dict[str, Any] = {"local": settings.local_auth.enabled, "proxy": settings.proxy_auth.enabled}
    if settings.oidc.issuer:
        auth["oidc"] = {"issuer": settings.oidc.issuer, "client_id": settings.oidc.client_id}
    components: list[dict[str, Any]] = [
        {"id": "auth", "settings": auth},
        {"id": "features:models", "settings": {"mock_llm": settings.llm.base_url is None}},
    ]
    # Where users' plugins connect: `PLUGIN_ENGINE_URI=… codemie-plugins …` (absent while NATS is down).
    engine_uri = request.app.state.resources.plugin_engine_uri
    plugins: dict[str, Any] = {"enabled": engine_uri is not None}
    if engine_uri is not None:
        plugins["plugin_engine_uri"] = engine_uri
    components.append({"id": "plugins", "settings": plugins})
    return components
