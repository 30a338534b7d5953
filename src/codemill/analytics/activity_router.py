"""/v1/admin/activity-events: the audit log (the SDK's activity_event service), platform admins only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from codemill.analytics import activity
from codemill.analytics.schemas import ActivityEventFilterOptions, ActivityEventListOut
from codemill.auth import policy
from codemill.auth.dependencies import CurrentPrincipal, Session

router = APIRouter(prefix="/v1/admin/activity-events", tags=["activity"])

Many = Annotated[list[str] | None, Query(max_length=100)]


@router.get("", response_model=ActivityEventListOut)
async def list_events(
    session: Session,
    principal: CurrentPrincipal,
    actor_id: Annotated[str | None, Query(max_length=64)] = None,
    domain: Many = None,
    event_type: Many = None,
    entity_type: Many = None,
    entity_id: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    until: Annotated[str | None, Query(alias="to", max_length=64)] = None,
    sort_dir: Literal["asc", "desc"] = "desc",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ActivityEventListOut:
    """Events, newest first, filtered by actor, domain, type, entity and time."""
    policy.require_admin(principal)
    query = activity.EventQuery(
        actor_id,
        domain or [],
        event_type or [],
        entity_type or [],
        entity_id,
        since,
        until,
        sort_dir == "asc",
        limit,
        offset,
    )
    return await activity.list_page(session, query)


@router.get("/filter-options", response_model=ActivityEventFilterOptions)
async def filter_options(session: Session, principal: CurrentPrincipal) -> ActivityEventFilterOptions:
    """The domains, event types and entity types present in the log."""
    policy.require_admin(principal)
    return await activity.filter_options(session)
