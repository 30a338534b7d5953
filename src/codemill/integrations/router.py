"""/v1/settings: integrations as the CodeMie SDK's integration service calls them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Outbound, PluginEngineUri, Session
from codemill.integrations import check_service, service, transfer, views
from codemill.integrations.checking import CheckContext
from codemill.integrations.schemas import (
    IntegrationIn,
    IntegrationList,
    IntegrationOut,
    SavedOut,
    SettingType,
    TestIn,
    TestOut,
    TransferIn,
    TransferOut,
)
from codemill.kit.params import PageNumber

router = APIRouter(prefix="/v1/settings", tags=["integrations"])

PerPage = Annotated[int, Query(ge=1, le=1000)]
Filters = Annotated[str | None, Query(max_length=4000)]


async def _list(
    session: Session, principal: CurrentPrincipal, scope: SettingType, page: int, per_page: int, filters: str | None
) -> IntegrationList:
    return await service.list_page(session, principal, scope, page, per_page, service.parse_filters(filters))


@router.get("/user/available", response_model=list[IntegrationOut])
async def list_available(
    session: Session,
    principal: CurrentPrincipal,
    scope: Literal["visible_to_user", "marketplace"] = "visible_to_user",
    project: Annotated[str | None, Query(max_length=200)] = None,
) -> list[IntegrationOut]:
    """What the caller may use: their own integrations and their projects' (secrets masked).

    Visibility comes from the caller's memberships, never from `scope` (accepted for the SDK);
    `project` narrows the list to what applies in one project.
    """
    return await service.available(session, principal, project)


@router.get("/user", response_model=IntegrationList)
async def list_user(
    session: Session, principal: CurrentPrincipal, page: PageNumber = 0, per_page: PerPage = 10, filters: Filters = None
) -> IntegrationList:
    """The caller's own integrations (project-specific and global), newest first."""
    return await _list(session, principal, "user", page, per_page, filters)


@router.get("/project", response_model=IntegrationList)
async def list_project(
    session: Session, principal: CurrentPrincipal, page: PageNumber = 0, per_page: PerPage = 10, filters: Filters = None
) -> IntegrationList:
    """Project integrations of the projects the caller administers (all of them for platform admins)."""
    return await _list(session, principal, "project", page, per_page, filters)


@router.post("/user", response_model=SavedOut, response_model_exclude_none=True)
async def create_user(
    body: IntegrationIn, engine_uri: PluginEngineUri, session: Session, principal: CurrentPrincipal
) -> SavedOut:
    """Create a user integration (one project, or all the caller's projects with is_global)."""
    integration, plugin_key = await service.create(session, principal, "user", body)
    return views.created(service.SAVED, engine_uri, integration, plugin_key)


@router.post("/project", response_model=SavedOut, response_model_exclude_none=True)
async def create_project(
    body: IntegrationIn, engine_uri: PluginEngineUri, session: Session, principal: CurrentPrincipal
) -> SavedOut:
    """Create a project integration (project admins and platform admins)."""
    integration, plugin_key = await service.create(session, principal, "project", body)
    return views.created(service.SAVED, engine_uri, integration, plugin_key)


@router.put("/user/{integration_id}", response_model=SavedOut, response_model_exclude_none=True)
async def update_user(
    integration_id: str, body: IntegrationIn, session: Session, principal: CurrentPrincipal
) -> SavedOut:
    """Update one of the caller's integrations; secrets not resent are kept."""
    integration = await service.update(session, principal, "user", integration_id, body)
    return views.saved(service.UPDATED, integration.id)


@router.put("/project/{integration_id}", response_model=SavedOut, response_model_exclude_none=True)
async def update_project(
    integration_id: str, body: IntegrationIn, session: Session, principal: CurrentPrincipal
) -> SavedOut:
    """Update a project integration; secrets not resent are kept."""
    integration = await service.update(session, principal, "project", integration_id, body)
    return views.saved(service.UPDATED, integration.id)


@router.delete("/user/{integration_id}", response_model=SavedOut, response_model_exclude_none=True)
async def delete_user(integration_id: str, session: Session, principal: CurrentPrincipal) -> SavedOut:
    """Delete one of the caller's integrations."""
    await service.delete(session, principal, "user", integration_id)
    return views.saved(service.REMOVED, integration_id)


@router.delete("/project/{integration_id}", response_model=SavedOut, response_model_exclude_none=True)
async def delete_project(integration_id: str, session: Session, principal: CurrentPrincipal) -> SavedOut:
    """Delete a project integration."""
    await service.delete(session, principal, "project", integration_id)
    return views.saved(service.REMOVED, integration_id)


@router.post("/test/", response_model=TestOut)
async def test_integration(
    body: TestIn, outbound: Outbound, settings: AppSettings, session: Session, principal: CurrentPrincipal
) -> TestOut:
    """Check credentials against the real service (through the guarded outbound client)."""
    ctx = CheckContext(outbound, settings.integration_check_timeout_seconds)
    return await check_service.run_check(session, principal, body, ctx)


@router.post("/transfer", response_model=TransferOut)
async def transfer_integrations(body: TransferIn, session: Session, principal: CurrentPrincipal) -> TransferOut:
    """Move or copy a project's integrations into another project (admins of both projects)."""
    return await transfer.transfer(session, principal, body)
