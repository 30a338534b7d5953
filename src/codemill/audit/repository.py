"""SQL for activity events (insert and read only: the table refuses updates and deletes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, distinct, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import ActivityEvent


async def append(session: AsyncSession, row: dict[str, Any]) -> None:
    """Insert one event."""
    await session.execute(insert(ActivityEvent), [row])


async def page(
    session: AsyncSession,
    *,
    actor_id: str | None,
    domains: Sequence[str],
    event_types: Sequence[str],
    entity_types: Sequence[str],
    entity_id: str | None,
    since: datetime | None,
    until: datetime | None,
    ascending: bool,
    limit: int,
    offset: int,
) -> tuple[list[ActivityEvent], int]:
    """Events matching the filters, newest first unless ascending; and how many match."""
    conditions: list[ColumnElement[bool]] = []
    if actor_id:
        conditions.append(ActivityEvent.actor_id == actor_id)
    if domains:
        conditions.append(ActivityEvent.domain.in_(list(domains)))
    if event_types:
        conditions.append(ActivityEvent.event_type.in_(list(event_types)))
    if entity_types:
        conditions.append(ActivityEvent.entity_type.in_(list(entity_types)))
    if entity_id:
        conditions.append(ActivityEvent.entity_id == entity_id)
    if since:
        conditions.append(ActivityEvent.created_at >= since)
    if until:
        conditions.append(ActivityEvent.created_at <= until)
    order = ActivityEvent.created_at.asc() if ascending else ActivityEvent.created_at.desc()
    query = select(ActivityEvent).where(*conditions).order_by(order, ActivityEvent.id).limit(limit).offset(offset)
    rows = list((await session.scalars(query)).all())
    total = int(
        (await session.execute(select(func.count()).select_from(ActivityEvent).where(*conditions))).scalar_one()
    )
    return rows, total


async def distinct_values(session: AsyncSession) -> tuple[list[str], list[str], list[str]]:
    """The domains, event types and entity types present in the log."""
    out: list[list[str]] = []
    for column in (ActivityEvent.domain, ActivityEvent.event_type, ActivityEvent.entity_type):
        values = (await session.scalars(select(distinct(column)).where(column.is_not(None)).order_by(column))).all()
        out.append([v for v in values if v])
    return out[0], out[1], out[2]
