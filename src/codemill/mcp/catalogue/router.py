"""/v1/mcp-configs: the MCP catalogue, as the CodeMie SDK's MCPConfigs service calls it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.mcp.catalogue import service
from codemill.mcp.catalogue.schemas import (
    MCPConfigClone,
    MCPConfigCreate,
    MCPConfigDeleted,
    MCPConfigList,
    MCPConfigOut,
    MCPConfigUpdate,
)

router = APIRouter(prefix="/v1/mcp-configs", tags=["mcp"])


@router.get("", response_model=MCPConfigList)
async def list_configs(
    session: Session,
    principal: CurrentPrincipal,
    page: Annotated[int, Query(ge=0)] = 0,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
    search: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=200)] = None,
    is_system: bool | None = None,
    is_public: bool | None = None,
    active_only: bool = False,
) -> MCPConfigList:
    """The catalogue entries the caller may see: system first, then by name."""
    return await service.list_page(
        session,
        principal,
        page,
        per_page,
        search=search,
        category=category,
        is_system=is_system,
        is_public=is_public,
        active_only=active_only,
    )


@router.get("/categories", response_model=list[str])
async def list_categories(session: Session, principal: CurrentPrincipal) -> list[str]:
    """The categories in use."""
    return await service.categories(session, principal)


@router.post("", response_model=MCPConfigOut)
async def create_config(session: Session, principal: CurrentPrincipal, body: MCPConfigCreate) -> MCPConfigOut:
    """A new catalogue entry."""
    return service.out(await service.create(session, principal, body))


@router.get("/{config_id}", response_model=MCPConfigOut)
async def get_config(session: Session, principal: CurrentPrincipal, config_id: str) -> MCPConfigOut:
    """One entry."""
    return service.out(await service.get(session, principal, config_id))


@router.put("/{config_id}", response_model=MCPConfigOut)
async def update_config(
    session: Session, principal: CurrentPrincipal, config_id: str, body: MCPConfigUpdate
) -> MCPConfigOut:
    """Change the fields given."""
    return service.out(await service.update(session, principal, config_id, body))


@router.post("/{config_id}/clone", response_model=MCPConfigOut)
async def clone_config(
    session: Session, principal: CurrentPrincipal, config_id: str, body: MCPConfigClone
) -> MCPConfigOut:
    """A new entry from the clone form."""
    return service.out(await service.clone(session, principal, config_id, body))


@router.delete("/{config_id}", response_model=MCPConfigDeleted)
async def delete_config(session: Session, principal: CurrentPrincipal, config_id: str) -> MCPConfigDeleted:
    """Remove an entry."""
    await service.delete(session, principal, config_id)
    return MCPConfigDeleted(message="MCP configuration deleted")
