"""HTTP for Confluence and Jira datasources, and the assistants' context list (/v1/assistants/context)."""

from __future__ import annotations

from fastapi import APIRouter

from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Outbound, Session
from codemill.datasources import health, service, views
from codemill.datasources.health_schemas import HealthCheckIn, HealthCheckOut
from codemill.datasources.schemas import ConfluenceCreate, JiraCreate, KnowledgeBaseUpdate
from codemill.datasources.sync import CONFLUENCE, JIRA
from codemill.datasources.views import ContextOptionOut, IndexingStartedOut

router = APIRouter(prefix="/v1", tags=["Datasources"])


@router.post("/index/knowledge_base/confluence", status_code=201, response_model=IndexingStartedOut)
async def create_confluence(
    settings: AppSettings, session: Session, principal: CurrentPrincipal, body: ConfluenceCreate
) -> IndexingStartedOut:
    """Index the Confluence pages a CQL query finds."""
    ds = await service.create_knowledge_base(session, principal, body, settings)
    return views.started(ds)


@router.post("/index/knowledge_base/jira", response_model=IndexingStartedOut)
async def create_jira(
    settings: AppSettings, session: Session, principal: CurrentPrincipal, body: JiraCreate
) -> IndexingStartedOut:
    """Index the Jira issues a JQL query finds."""
    ds = await service.create_knowledge_base(session, principal, body, settings)
    return views.started(ds)


@router.post("/index/health", response_model=HealthCheckOut)
async def health_check(
    settings: AppSettings, session: Session, principal: CurrentPrincipal, outbound: Outbound, body: HealthCheckIn
) -> HealthCheckOut:
    """Whether the source of a datasource can be read (Git, Jira, Confluence), before creating it."""
    return await health.check(session, principal, body, settings, outbound)


async def _update(
    settings: AppSettings,
    session: Session,
    principal: CurrentPrincipal,
    index_type: str,
    body: KnowledgeBaseUpdate,
    mode: str | None,
) -> IndexingStartedOut:
    ds, scheduled = await service.update_knowledge_base(session, principal, index_type, body, mode, settings)
    return views.acknowledged(ds, "Edit successful") if scheduled is None else views.started(ds)


@router.put("/index/knowledge_base/confluence", response_model=IndexingStartedOut)
async def update_confluence(
    settings: AppSettings, session: Session, principal: CurrentPrincipal, body: KnowledgeBaseUpdate,
    full_reindex: bool = False, resume_indexing: bool = False,
) -> IndexingStartedOut:  # fmt: skip
    """Update; full_reindex or resume_indexing start a job."""
    return await _update(
        settings, session, principal, CONFLUENCE, body, service.reindex_mode(full_reindex, False, resume_indexing, None)
    )


@router.put("/index/knowledge_base/jira", response_model=IndexingStartedOut)
async def update_jira(
    settings: AppSettings, session: Session, principal: CurrentPrincipal, body: KnowledgeBaseUpdate,
    full_reindex: bool = False, incremental_reindex: bool = False,
) -> IndexingStartedOut:  # fmt: skip
    """Update; full_reindex or incremental_reindex (changed issues only) start a job."""
    return await _update(
        settings, session, principal, JIRA, body, service.reindex_mode(full_reindex, incremental_reindex, False, None)
    )


@router.get("/assistants/context", response_model=list[ContextOptionOut])
async def assistants_context(
    session: Session, principal: CurrentPrincipal, project_name: str
) -> list[ContextOptionOut]:
    """Datasources of a project the caller may attach to an assistant: {name, context_type, id}."""
    found = await service.visible_in_project(session, principal, project_name)
    return [views.context_option(ds) for ds in found]
