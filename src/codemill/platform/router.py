"""/v1/healthcheck, /v1/info, /v1/config.

Anonymous callers learn only what a sign-in screen or a load balancer needs; process details (pid,
memory) are for admins and the plugin engine's address is for signed-in users.
"""

from __future__ import annotations

import os

import psutil
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from codemill import __version__
from codemill.auth.dependencies import AppSettings, Engine, OptionalPrincipal, PluginEngineUri
from codemill.db.statements import ping
from codemill.kit.json_types import JsonObject
from codemill.platform.schemas import HEALTH, ConfigComponentOut, HealthOut, InfoOut

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
    health = HealthOut(
        status="healthy" if failure is None else "unhealthy",
        database="ok" if failure is None else "unavailable",
        version=__version__,
    )
    if principal is not None and principal.is_admin:
        if failure is not None:
            health.database = f"unavailable: {failure}"
        health.memory_usage_mb = round(_process.memory_info().rss / 1_048_576, 1)
        health.cpu_percent = _process.cpu_percent(interval=None)
        health.worker_pid = os.getpid()
    # The admin-only figures are absent (not null) for everyone else.
    return JSONResponse(health.model_dump(exclude_none=True), status_code=200 if failure is None else 503)


@router.get("/info", response_model=InfoOut)
async def info(settings: AppSettings) -> InfoOut:
    """What this server is, and the upload limit it enforces."""
    return InfoOut(
        message="Codemill",
        version=__version__,
        description="Open, self-hostable AI assistants platform (CodeMie-compatible /v1 API)",
        file_datasource_max_upload_count=settings.datasources.max_files_per_upload,
    )


@router.get("/config", response_model=list[ConfigComponentOut])
async def config(
    settings: AppSettings, engine_uri: PluginEngineUri, principal: OptionalPrincipal
) -> list[ConfigComponentOut]:
    """Client configuration, as a list of components (CodeMie's shape): auth modes, endpoints, plugins."""
    auth: JsonObject = {"local": settings.local_auth.enabled, "proxy": settings.proxy_auth.enabled}
    if settings.oidc.issuer:
        auth["oidc"] = {"issuer": settings.oidc.issuer, "client_id": settings.oidc.client_id}
    components = [
        ConfigComponentOut(id="auth", settings=auth),
        ConfigComponentOut(id="features:models", settings={"mock_llm": settings.llm.base_url is None}),
    ]
    # Where users' plugins connect: `PLUGIN_ENGINE_URI=… codemie-plugins …` (absent while NATS is down).
    # An internal address: signed-in users only (they get it when creating a Plugin integration too).
    plugins: JsonObject = {"enabled": engine_uri is not None}
    if engine_uri is not None and principal is not None:
        plugins["plugin_engine_uri"] = engine_uri
    components.append(ConfigComponentOut(id="plugins", settings=plugins))
    return components
