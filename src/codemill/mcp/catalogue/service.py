"""The MCP catalogue: entries users create, list, clone and attach to assistants."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import Forbidden
from codemill.mcp.catalogue import repository
from codemill.mcp.catalogue.schemas import (
    MCPConfigClone,
    MCPConfigCreate,
    MCPConfigList,
    MCPConfigOut,
    MCPConfigUpdate,
    MCPServerConfigData,
    MCPVariableDefinition,
)
from codemill.models import MCPConfig


def config_json(config: MCPServerConfigData) -> dict[str, Any]:
    """A server config as stored (the fields given, none of CodeMie's local-only ones)."""
    return config.model_dump(mode="json", exclude_none=True)


def out(entry: MCPConfig) -> MCPConfigOut:
    """An entry as the API returns it."""
    return MCPConfigOut(
        id=entry.id,
        name=entry.name,
        description=entry.description,
        server_home_url=entry.server_home_url,
        source_url=entry.source_url,
        logo_url=entry.logo_url,
        categories=list(entry.categories or []),
        config=dict(entry.config or {}),
        required_env_vars=[MCPVariableDefinition.model_validate(v) for v in entry.required_env_vars or []],
        user_id=entry.user_id,
        is_public=entry.is_public,
        is_system=entry.is_system,
        usage_count=entry.usage_count,
        is_active=entry.is_active,
        date=entry.created_at,
        update_date=entry.updated_at,
    )


async def list_page(
    session: AsyncSession,
    principal: Principal,
    page: int,
    per_page: int,
    *,
    search: str | None = None,
    category: str | None = None,
    is_system: bool | None = None,
    is_public: bool | None = None,
    active_only: bool = False,
) -> MCPConfigList:
    """A page of the entries the caller may see."""
    entries, total = await repository.list_page(
        session,
        policy.visible_mcp_configs_clause(principal),
        page=page,
        per_page=per_page,
        search=search,
        category=category,
        is_system=is_system,
        is_public=is_public,
        active_only=active_only,
    )
    return MCPConfigList(configs=[out(e) for e in entries], total=total, page=page, per_page=per_page)


async def categories(session: AsyncSession, principal: Principal) -> list[str]:
    """The categories of the entries the caller may see."""
    return await repository.categories(session, policy.visible_mcp_configs_clause(principal))


async def get(session: AsyncSession, principal: Principal, config_id: str) -> MCPConfig:
    """An entry the caller may see (404 otherwise)."""
    return policy.ensure_mcp_config_visible(principal, await repository.get(session, config_id))


async def create(session: AsyncSession, principal: Principal, body: MCPConfigCreate) -> MCPConfig:
    """A new entry of the caller's (public only when an admin publishes it)."""
    if body.is_public:
        policy.ensure_may_publish_mcp_config(principal)
    entry = MCPConfig(
        name=body.name.strip(),
        description=body.description,
        server_home_url=body.server_home_url,
        source_url=body.source_url,
        logo_url=body.logo_url,
        categories=body.categories,
        config=config_json(body.config),
        required_env_vars=[v.model_dump() for v in body.required_env_vars],
        user_id=principal.user_id,
        is_public=body.is_public,
        is_system=False,
        is_active=True,
        usage_count=0,
    )
    session.add(entry)
    await session.flush()
    return entry


async def update(session: AsyncSession, principal: Principal, config_id: str, body: MCPConfigUpdate) -> MCPConfig:
    """Change the fields given."""
    entry = policy.ensure_mcp_config_manageable(principal, await repository.get(session, config_id))
    given = body.model_fields_set
    if "is_public" in given and body.is_public:
        policy.ensure_may_publish_mcp_config(principal)
    for name in ("description", "server_home_url", "source_url", "logo_url"):
        if name in given:
            setattr(entry, name, getattr(body, name))
    if body.name is not None:
        entry.name = body.name.strip()
    if body.categories is not None:
        entry.categories = body.categories
    if body.config is not None:
        entry.config = config_json(body.config)
    if body.required_env_vars is not None:
        entry.required_env_vars = [v.model_dump() for v in body.required_env_vars]
    if body.is_public is not None:
        entry.is_public = body.is_public
    if body.is_active is not None:
        entry.is_active = body.is_active
    await session.flush()
    return entry


async def clone(session: AsyncSession, principal: Principal, config_id: str, body: MCPConfigClone) -> MCPConfig:
    """A new entry from a clone form; is_public and is_system are the source's (admins only, as in CodeMie)."""
    source = policy.ensure_mcp_config_visible(principal, await repository.get(session, config_id))
    policy.require_admin(principal)
    config = config_json(body.config)
    if body.config.auth_token is None and source.config.get("auth_token"):
        config["auth_token"] = source.config["auth_token"]  # an unchanged secret is carried over
    entry = MCPConfig(
        name=body.name.strip(),
        description=body.description,
        server_home_url=body.server_home_url,
        source_url=body.source_url,
        logo_url=body.logo_url,
        categories=body.categories,
        config=config,
        required_env_vars=[v.model_dump() for v in body.required_env_vars],
        user_id=principal.user_id,
        is_public=source.is_public,
        is_system=source.is_system,
        is_active=True,
        usage_count=0,
    )
    session.add(entry)
    await session.flush()
    return entry


async def delete(session: AsyncSession, principal: Principal, config_id: str) -> None:
    """Remove an entry (system entries stay: deactivate them instead)."""
    entry = policy.ensure_mcp_config_manageable(principal, await repository.get(session, config_id))
    if entry.is_system:
        raise Forbidden(
            "System MCP configurations cannot be deleted",
            help="Set is_active to false to hide it from new assistants.",
        )
    await session.delete(entry)
    await session.flush()


async def config_for_launch(session: AsyncSession, principal: Principal, config_id: str) -> dict[str, Any] | None:
    """An active entry's server config when the caller may use it, for an assistant's MCP server."""
    entry = await repository.get(session, config_id)
    if entry is None or not entry.is_active or not policy.can_view_mcp_config(principal, entry):
        return None
    return dict(entry.config or {})
