"""The app factory. Nothing runs at import time."""

from __future__ import annotations

import base64
import gc
import hashlib
import os
import re
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse
from starlette.routing import Route

from codemill import __version__
from codemill.a2a.router import router as a2a_router
from codemill.analytics.activity_router import router as activity_router
from codemill.analytics.budgets.groups_router import router as budget_groups_router
from codemill.analytics.budgets.router import router as budgets_router
from codemill.analytics.metrics_router import router as metrics_router
from codemill.analytics.router import router as analytics_router
from codemill.api_keys.router import router as api_keys_router
from codemill.assistants.generation_router import router as assistant_generation_router
from codemill.assistants.mapping_router import router as assistant_mapping_router
from codemill.assistants.marketplace_router import router as assistant_marketplace_router
from codemill.assistants.mcp_router import router as assistants_mcp_router
from codemill.assistants.router import router as assistants_router
from codemill.assistants.subagents_router import router as subagents_router
from codemill.auth.router import router as auth_router
from codemill.automation.router import router as automation_router
from codemill.conversations.admin_router import router as admin_conversations_router
from codemill.conversations.chat_router import router as chat_router
from codemill.conversations.export_router import router as conversation_export_router
from codemill.conversations.feedback_router import router as feedback_router
from codemill.conversations.mcp_route import LazyMCPEndpoint
from codemill.conversations.resume_router import router as resume_router
from codemill.conversations.router import router as conversations_router
from codemill.conversations.share_router import router as share_router
from codemill.conversations.sharing import stored_file_shared
from codemill.datasources.kb_router import router as datasources_kb_router
from codemill.datasources.router import router as datasources_router
from codemill.diagrams.router import router as diagrams_router
from codemill.edge_input import refuse_unstorable_input
from codemill.errors import NotFound
from codemill.errors_http import install_error_handlers
from codemill.files.router import router as files_router
from codemill.files.sharing import register_share_check
from codemill.integrations.router import router as integrations_router
from codemill.invitations.router import admin_router as invitations_admin_router
from codemill.invitations.router import router as invitations_router
from codemill.kit.asgi import RequestContext, SecurityHeaders
from codemill.kit.children import die_with_parent
from codemill.kit.compression import JSONCompression, PrecompressedAssets
from codemill.kit.logs import configure_logging
from codemill.llm.router import router as llm_router
from codemill.mcp.catalogue.router import router as mcp_configs_router
from codemill.openai_api.router import router as openai_router
from codemill.platform.router import router as platform_router
from codemill.plugins.router import router as plugins_router
from codemill.projects.admin_router import router as applications_router
from codemill.projects.router import router as projects_router
from codemill.resources import Resources
from codemill.settings import Settings
from codemill.skills.router import router as skills_router
from codemill.skills.user_reactions import router as user_reactions_router
from codemill.users.admin_router import router as admin_users_router
from codemill.users.router import router as users_router
from codemill.workflows.execution_router import router as workflow_executions_router
from codemill.workflows.router import router as workflows_router
from codemill.workspaces.router import router as workspaces_router

MCP_PATH = "/v1/mcp"
ROUTERS = [
    # First: routes are matched in order, and the chat is the hot path (its two POST paths end in /model,
    # which no other route serves); behind ~200 routes its matching alone cost ~0.5 ms per turn.
    chat_router,
    platform_router,
    auth_router,
    users_router,
    invitations_router,
    invitations_admin_router,  # /v1/admin/users/invitations, before /v1/admin/users/{id}
    admin_users_router,
    projects_router,
    applications_router,
    llm_router,
    integrations_router,
    # Before assistants: /v1/assistants/context must win over /v1/assistants/{id}.
    datasources_router,
    datasources_kb_router,
    plugins_router,  # /v1/assistants/plugin_tools, before /v1/assistants/{id} too
    assistants_mcp_router,  # /v1/assistants/mcp_tools and /mcp/test, before /v1/assistants/{id} too
    mcp_configs_router,
    subagents_router,  # /v1/assistants/builtin_subagents, before /v1/assistants/{id} too
    assistant_mapping_router,
    skills_router,
    user_reactions_router,
    assistant_marketplace_router,  # /v1/assistants/categories, before /v1/assistants/{id} too
    assistant_generation_router,
    assistants_router,
    resume_router,
    conversations_router,
    files_router,
    conversation_export_router,
    share_router,
    feedback_router,
    admin_conversations_router,
    workflows_router,
    workflow_executions_router,
    analytics_router,
    budgets_router,
    budget_groups_router,
    activity_router,
    diagrams_router,
    metrics_router,  # /metrics: a route, so it answers before the UI's catch-all
    api_keys_router,
    openai_router,
    a2a_router,
    automation_router,
    workspaces_router,
]


# `codemill serve --workers N`: the database URL the parent started (or was given), for every worker.
WORKER_DATABASE_URL_ENV = "_CODEMILL_WORKER_DATABASE_URL"


def app_from_environment() -> FastAPI:
    """The app of one `codemill serve --workers N` worker process (uvicorn's factory; settings from the environment)."""
    # SIGKILL: when the supervisor is gone, so are the database and NATS it started; a graceful shutdown
    # would only wait on them.
    die_with_parent(signal.SIGKILL)
    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings, os.environ[WORKER_DATABASE_URL_ENV])


def settle_garbage_collector() -> None:
    """Once started: what exists now lives as long as the process, so the collector stops walking it
    (`gc.freeze`), and young collections run less often (a chat turn allocates thousands of small objects;
    the default threshold of 2,000 had the collector run several times per turn)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def create_app(settings: Settings, database_url: str) -> FastAPI:
    """The ASGI app: API under /v1, docs at /docs, the built UI at /."""
    # Conversation share links open the files attached in the shared conversation.
    register_share_check(stored_file_shared)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resources = Resources.build(settings, database_url)
        app.state.resources = resources
        await resources.start()
        settle_garbage_collector()
        try:
            yield
        finally:
            await resources.close()

    app = FastAPI(
        title="Codemill",
        version=__version__,
        description="Open, self-hostable AI assistants platform; speaks the CodeMie /v1 API.",
        lifespan=lifespan,
        docs_url="/docs",
        openapi_url="/openapi.json",
        # Before any handler: text PostgreSQL cannot store (NUL, lone surrogates, NaN) is a 422 naming the field.
        dependencies=[Depends(refuse_unstorable_input)],
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    # Codemill as an MCP server (streamable HTTP): the caller's assistants as tools.
    app.router.routes.append(Route(MCP_PATH, LazyMCPEndpoint(app.state), include_in_schema=False))
    if settings.resolved_ui_dir is not None:
        mount_ui(app, settings.resolved_ui_dir)
    app.add_middleware(JSONCompression, minimum_size=settings.gzip_min_bytes)
    app.add_middleware(
        RequestContext, max_body_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes
    )
    # Outermost, so the 413s and 500s RequestContext answers carry the headers too.
    app.add_middleware(SecurityHeaders, always_hsts=(settings.public_url or "").startswith("https://"))
    return app


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def spa_csp(index_html: str) -> str:
    """The SPA's Content-Security-Policy: its own files, plus the inline scripts of index.html by hash."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(index_html)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}".rstrip() + "; "
        # React and mermaid set inline styles; styles cannot run code.
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


def mount_ui(app: FastAPI, ui_dir: Path) -> None:
    """Serve the SPA: static assets, and index.html for every other non-API path."""
    assets = ui_dir / "assets"
    if assets.is_dir():
        app.mount("/assets", PrecompressedAssets(assets), name="ui-assets")
    index = ui_dir / "index.html"
    root = ui_dir.resolve()
    csp = spa_csp(index.read_text(encoding="utf-8", errors="replace")) if index.is_file() else None

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str) -> FileResponse:
        if path.startswith(("v1/", "docs", "openapi.json")):
            raise NotFound("Not found")
        candidate = (ui_dir / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate)
        headers = {"cache-control": "no-cache"}
        if csp is not None:
            headers["content-security-policy"] = csp
        return FileResponse(index, headers=headers)
