"""/v1/analytics: usage reports as the CodeMie SDK's analytics service calls them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from codemill.analytics import service
from codemill.analytics.budgets import reports
from codemill.analytics.schemas import SummariesOut, TabularOut, TimelineOut, UsersListOut
from codemill.auth.dependencies import CurrentPrincipal, Session

router = APIRouter(prefix="/v1/analytics", tags=["analytics"])

Text = Annotated[str | None, Query(max_length=4000)]


async def _query(
    time_period: Annotated[str | None, Query(max_length=32)] = None,
    start_date: Annotated[str | None, Query(max_length=64)] = None,
    end_date: Annotated[str | None, Query(max_length=64)] = None,
    users: Text = None,
    projects: Text = None,
    page: Annotated[int, Query(ge=0)] = 0,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> service.Query:
    return service.Query(time_period, start_date, end_date, users, projects, page, per_page)


AnalyticsQuery = Annotated[service.Query, Depends(_query)]


@router.get("/summaries", response_model=SummariesOut)
async def summaries(session: Session, principal: CurrentPrincipal, query: AnalyticsQuery) -> SummariesOut:
    """Totals: money, tokens, model calls, errors, latency, distinct users/assistants/workflows."""
    return await service.summaries(session, principal, query)


@router.get("/usage-over-time", response_model=TimelineOut)
async def usage_over_time(session: Session, principal: CurrentPrincipal, query: AnalyticsQuery) -> TimelineOut:
    """Codemill's own report (beside CodeMie's): cost, tokens and model calls per hour or day, for charts."""
    return await service.timeline(session, principal, query)


@router.get("/users", response_model=UsersListOut)
async def users(session: Session, principal: CurrentPrincipal, query: AnalyticsQuery) -> UsersListOut:
    """Users with usage in the period."""
    return await service.users(session, principal, query)


@router.get("/budget-soft-limit", response_model=TabularOut)
async def budget_soft_limit(session: Session, principal: CurrentPrincipal, query: AnalyticsQuery) -> TabularOut:
    """Budgets at or past their soft limit."""
    return await reports.over_limit(session, principal, False, query.page, query.per_page)


@router.get("/budget-hard-limit", response_model=TabularOut)
async def budget_hard_limit(session: Session, principal: CurrentPrincipal, query: AnalyticsQuery) -> TabularOut:
    """Budgets at or past their hard limit."""
    return await reports.over_limit(session, principal, True, query.page, query.per_page)


def _tabular(name: str) -> None:
    async def report(session: Session, principal: CurrentPrincipal, query: AnalyticsQuery) -> TabularOut:
        return await service.tabular(session, principal, name, query)

    report.__doc__ = f"The {name} report (grouped sums of the usage roll-ups, one page)."
    router.add_api_route(f"/{name}", report, methods=["GET"], response_model=TabularOut, name=f"analytics_{name}")


for _name in service.REPORTS:
    _tabular(_name)
