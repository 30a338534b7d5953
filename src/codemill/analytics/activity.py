"""Reading the activity log (its writes are codemill.audit.service.record, called by the services)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics.periods import parse_moment
from codemill.analytics.schemas import (
    ActivityEventFilterOptions,
    ActivityEventListOut,
    ActivityEventOut,
    ActivityEventPagination,
)
from codemill.audit import repository


@dataclass(frozen=True, slots=True)
class EventQuery:
    """The SDK's list_events filters."""

    actor_id: str | None
    domains: list[str]
    event_types: list[str]
    entity_types: list[str]
    entity_id: str | None
    since: str | None
    until: str | None
    ascending: bool
    limit: int
    offset: int


async def list_page(session: AsyncSession, query: EventQuery) -> ActivityEventListOut:
    """A page of events and the count of all that match."""
    rows, total = await repository.page(
        session,
        actor_id=query.actor_id,
        domains=query.domains,
        event_types=query.event_types,
        entity_types=query.entity_types,
        entity_id=query.entity_id,
        since=parse_moment(query.since, "from") if query.since else None,
        until=parse_moment(query.until, "to") if query.until else None,
        ascending=query.ascending,
        limit=query.limit,
        offset=query.offset,
    )
    return ActivityEventListOut(
        data=[ActivityEventOut.model_validate(row, from_attributes=True) for row in rows],
        pagination=ActivityEventPagination(
            total=total,
            page=query.offset // query.limit,
            per_page=query.limit,
            pages=max(1, math.ceil(total / query.limit)),
        ),
    )


async def filter_options(session: AsyncSession) -> ActivityEventFilterOptions:
    """The domains, event types and entity types present in the log."""
    domains, event_types, entity_types = await repository.distinct_values(session)
    return ActivityEventFilterOptions(domains=domains, event_types=event_types, entity_types=entity_types)
