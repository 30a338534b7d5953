"""/v1/healthcheck, /v1/info, /v1/config.

Anonymous callers learn only what a sign-in screen or a load balancer needs; process details (pid,
memory) are for admins and the plugin engine's address is for signed-in users.
"""

from __future__ import annotations

import os
from typing import Any

import psutil
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from codemill import __version__
from codemill.auth.dependencies import AppSettings, Engine, OptionalPrincipal, PluginEngineUri
from codemill.db.statements import ping
from codemill.platform.schemas import HEALTH, ConfigComponentOut, InfoOut

router = APIRouter(prefix="/v1", tags=["platform"])
_process = psutil.Process()


@router.get("/healthcheck", responses=HEALTH)
async def healthcheck(engine: Engine, principal: OptionalPrincipal) -> JSONResponse:
    """Liveness and readiness: 200 when the database answers, 503 otherwise (process figures for admins)."""
    failure: str | None = None
    try:
        await ping(engine)
    except Exception as exc:
        failure = type(exc).__name__
    body: dict[str, Any] = {
        "status": "healthy" if failure is None else "unhealthy",
        "database": "ok" if failure is None else "unavailable",
        "version": __version__,
    }
    if principal is not None and principal.is_admin:
        if failure is not None:
            body["database"] = f"unavailable: {failure}"
        body["memory_usage_mb"] = round(_process.memory_info().rss / 1_048_576, 1)
        body["cpu_percent"] = _process.cpu_percent(interval=None)
        body["worker_pid"] = os.getpid()
    return JSONResponse(body, status_code=200 if failure is None else 503)


@router.get("/info", response_model=InfoOut)
async def info(settings: AppSettings) -> dict[str, Any]:
    """What this server is, and the upload limit it enforces."""
    return {
        "message": "Codemill",
        "version": __version__,
        "description": "Open, self-hostable AI assistants platform (CodeMie-compatible /v1 API)",
        "fileDatasourceMaxUploadCount": settings.datasources.max_files_per_upload,
    }


@router.get("/config", response_model=list[ConfigComponentOut])
async def config(
    settings: AppSettings, engine_uri: PluginEngineUri, principal: OptionalPrincipal
) -> list[dict[str, Any]]:
    """Client configuration, as a list of components (CodeMie's shape): auth modes, endpoints, plugins."""
    auth: dict[str, Any] = {"local": settings.local_auth.enabled, "proxy": settings.proxy_auth.enabled}
    if settings.oidc.issuer:
        auth["oidc"] = {"issuer": settings.oidc.issuer, "client_id": settings.oidc.client_id}
    components: list[dict[str, Any]] = [
        {"id": "auth", "settings": auth},
        {"id": "features:models", "settings": {"mock_llm": settings.llm.base_url is None}},
    ]
    # Where users' plugins connect: `PLUGIN_ENGINE_URI=… codemie-plugins …` (absent while NATS is down).
    # An internal address: signed-in users only (they get it when creating a Plugin integration too).
    plugins: dict[str, Any] = {"enabled": engine_uri is not None}
    if engine_uri is not None and principal is not None:
        plugins["plugin_engine_uri"] = engine_uri
    components.append({"id": "plugins", "settings": plugins})
    return components
