"""SQL for the MCP catalogue."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import MCPConfig


async def get(session: AsyncSession, config_id: str) -> MCPConfig | None:
    return await session.get(MCPConfig, config_id)


async def list_page(
    session: AsyncSession,
    visible: ColumnElement[bool],
    *,
    page: int,
    per_page: int,
    search: str | None = None,
    category: str | None = None,
    is_system: bool | None = None,
    is_public: bool | None = None,
    active_only: bool = False,
) -> tuple[list[MCPConfig], int]:
    """One page of the visible entries (system first, then by name) and how many there are."""
    query = select(MCPConfig).where(visible)
    if search:
        like = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(MCPConfig.name).like(like), func.lower(func.coalesce(MCPConfig.description, "")).like(like))
        )
    if category:
        query = query.where(MCPConfig.categories.contains([category]))
    if is_system is not None:
        query = query.where(MCPConfig.is_system.is_(is_system))
    if is_public is not None:
        query = query.where(MCPConfig.is_public.is_(is_public))
    if active_only:
        query = query.where(MCPConfig.is_active)
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = await session.execute(
        query.order_by(MCPConfig.is_system.desc(), MCPConfig.name, MCPConfig.id).offset(page * per_page).limit(per_page)
    )
    return list(rows.scalars()), total


async def categories(session: AsyncSession, visible: ColumnElement[bool]) -> list[str]:
    """Every category used by a visible entry, sorted."""
    rows = await session.execute(select(MCPConfig.categories).where(visible))
    return sorted({str(c) for (found,) in rows for c in found or []})
