"""SQL for analytics: reads of the hourly/daily roll-ups (never the raw usage rows) and tool-call writes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, func, insert, literal, or_, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics.periods import Slice, Window, slices
from codemill.auth.policy import AnalyticsView
from codemill.models import (
    Assistant,
    CostCenterProject,
    ToolDaily,
    ToolHourly,
    ToolUsage,
    UsageDaily,
    UsageHourly,
    User,
)

Rollup = type[UsageHourly] | type[UsageDaily] | type[ToolHourly] | type[ToolDaily]
Measure = Callable[[Subquery], ColumnElement[Any]]


@dataclass(frozen=True, slots=True)
class Scope:
    """What to read: a window, the request's filters and what the caller may see."""

    window: Window
    view: AnalyticsView
    users: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()


def _distinct(column: str) -> Measure:
    return lambda u: func.count(func.distinct(func.nullif(u.c[column], "")))


def _sum(column: str) -> Measure:
    return lambda u: func.coalesce(func.sum(u.c[column]), 0)


USAGE_MEASURES: dict[str, Measure] = {
    "total_cost_usd": lambda u: func.coalesce(func.sum(u.c.cost), 0.0),
    "input_tokens": _sum("input_tokens"),
    "output_tokens": _sum("output_tokens"),
    "cached_input_tokens": _sum("cached_input_tokens"),
    "total_tokens": lambda u: func.coalesce(func.sum(u.c.input_tokens + u.c.output_tokens), 0),
    "total_requests": _sum("requests"),
    "error_count": _sum("errors"),
    "avg_latency_ms": lambda u: func.coalesce(func.sum(u.c.latency_ms) / func.nullif(func.sum(u.c.requests), 0), 0.0),
    "unique_users": _distinct("user_id"),
    "unique_assistants": _distinct("assistant_id"),
    "unique_workflows": _distinct("workflow_id"),
    "unique_projects": _distinct("project"),
    "last_active": lambda u: func.max(u.c.bucket),
    "assistant_cost": lambda u: func.coalesce(func.sum(u.c.cost).filter(u.c.assistant_id != ""), 0.0),
    "workflow_cost": lambda u: func.coalesce(func.sum(u.c.cost).filter(u.c.workflow_id != ""), 0.0),
}
DISTINCT_COLUMNS = {
    "unique_users": "user_id",
    "unique_assistants": "assistant_id",
    "unique_workflows": "workflow_id",
    "unique_projects": "project",
}
TOOL_MEASURES: dict[str, Measure] = {
    "total_invocations": _sum("calls"),
    "error_count": _sum("errors"),
    "avg_duration_ms": lambda u: func.coalesce(func.sum(u.c.duration_ms) / func.nullif(func.sum(u.c.calls), 0), 0.0),
    "unique_users": _distinct("user_id"),
    "unique_assistants": _distinct("assistant_id"),
    # Each group's share of all calls in the scope, in percent.
    "percentage": lambda u: func.coalesce(
        100.0 * func.sum(u.c.calls) / func.nullif(func.sum(func.sum(u.c.calls)).over(), 0), 0.0
    ),
}


def _part(table: Rollup, part: Slice, scope: Scope, columns: Sequence[str] | None = None) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = [table.bucket >= part.start, table.bucket < part.end]
    if scope.users:
        conditions.append(table.user_id.in_(scope.users))
    if scope.projects:
        conditions.append(table.project.in_(scope.projects))
    if not scope.view.everything:
        visible: ColumnElement[bool] = table.user_id == scope.view.user_id
        if scope.view.admin_projects:
            visible = or_(visible, table.project.in_(scope.view.admin_projects))
        conditions.append(visible)
    picked = [table.__table__.c[c] for c in columns] if columns else [table.__table__]
    return select(*picked).where(and_(*conditions))


def _parts(tools: bool, scope: Scope, columns: Sequence[str] | None) -> list[Select[Any]]:
    hourly, daily = (ToolHourly, ToolDaily) if tools else (UsageHourly, UsageDaily)
    return [_part(daily if part.daily else hourly, part, scope, columns) for part in slices(scope.window)]


def source(tools: bool, scope: Scope, columns: Sequence[str] | None = None) -> Subquery:
    """The roll-up rows of the scope (only `columns` when given): whole days from the daily table, edge hours
    from the hourly one."""
    parts = _parts(tools, scope, columns)
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("usage")


async def summary(session: AsyncSession, scope: Scope, measures: Sequence[str]) -> dict[str, Any]:
    """Sums over the scope and its distinct users/assistants/workflows/projects, in one scan of the roll-ups.

    One GROUPING SETS query hashes each dimension (no sort of every row, as count(DISTINCT) would) and returns
    a few rows per distinct value; the empty set is the totals row.
    """
    distinct = {name: column for name, column in DISTINCT_COLUMNS.items() if name in measures}
    summed = ("cost", "input_tokens", "output_tokens", "cached_input_tokens", "requests", "errors", "latency_ms")
    rows = source(False, scope, [*distinct.values(), *summed])
    dims = [rows.c[column] for column in distinct.values()]
    sums = [USAGE_MEASURES[name](rows).label(name) for name in measures if name not in distinct]
    query = select(func.grouping(*dims).label("_set"), *dims, *sums).group_by(func.grouping_sets(*dims, text("()")))
    totals: dict[str, Any] = dict.fromkeys(measures, 0)
    everything = (1 << len(dims)) - 1
    for row in (await session.execute(query)).mappings():
        if row["_set"] == everything:
            totals.update({name: row[name] for name in measures if name not in distinct})
            continue
        for position, (name, column) in enumerate(distinct.items()):
            # grouping() sets a bit for each column not grouped: this row's set groups the one whose bit is clear.
            grouped = row["_set"] == everything ^ (1 << (len(dims) - 1 - position))
            if grouped and row[column]:
                totals[name] += 1
    return totals


async def table(
    session: AsyncSession,
    rows: Subquery,
    group_by: Sequence[str],
    measures: Sequence[str],
    *,
    order_by: str,
    page: int = 0,
    per_page: int | None = None,
    tools: bool = False,
    non_empty: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Grouped sums of the rows, largest `order_by` first, one page, and how many groups there are in all."""
    catalogue = TOOL_MEASURES if tools else USAGE_MEASURES
    keys = [rows.c[key].label(key) for key in group_by]
    values = [catalogue[name](rows).label(name) for name in measures]
    query = select(*keys, *values, func.count().over().label("_total"))
    if non_empty:
        query = query.where(rows.c[non_empty] != "")
    if group_by:
        query = query.group_by(*(rows.c[key] for key in group_by))
    order = next(v for v in values if v.name == order_by)
    query = query.order_by(order.desc(), *keys)
    if per_page is not None:
        query = query.limit(per_page).offset(page * per_page)
    result = (await session.execute(query)).mappings().all()
    total = int(result[0]["_total"]) if result else 0
    if not result and per_page is not None and page > 0:
        total = int(
            (
                await session.execute(select(func.count()).select_from(query.limit(None).offset(None).subquery()))
            ).scalar_one()
        )
    return [{k: v for k, v in row.items() if k != "_total"} for row in result], total


async def timeline(session: AsyncSession, scope: Scope, grain: str) -> list[dict[str, Any]]:
    """Cost, tokens, model calls and errors per `grain` ('hour' or 'day') bucket of the scope, oldest first."""
    rows = source(False, scope, ["bucket", "cost", "input_tokens", "output_tokens", "requests", "errors"])
    bucket = func.date_trunc(grain, rows.c.bucket, "UTC").label("bucket")
    query = (
        select(
            bucket,
            USAGE_MEASURES["total_cost_usd"](rows).label("total_cost_usd"),
            USAGE_MEASURES["input_tokens"](rows).label("input_tokens"),
            USAGE_MEASURES["output_tokens"](rows).label("output_tokens"),
            USAGE_MEASURES["total_requests"](rows).label("total_requests"),
            USAGE_MEASURES["error_count"](rows).label("error_count"),
        )
        .group_by(bucket)
        .order_by(bucket)
    )
    return [dict(row) for row in (await session.execute(query)).mappings()]


async def user_names(session: AsyncSession, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """user id -> (email, name)."""
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.email, User.name).where(User.id.in_(list(ids))))
    return {row.id: (row.email, row.name or row.email) for row in rows}


async def assistant_names(session: AsyncSession, ids: Sequence[str]) -> dict[str, str]:
    """assistant id -> name."""
    if not ids:
        return {}
    rows = await session.execute(select(Assistant.id, Assistant.name).where(Assistant.id.in_(list(ids))))
    return {row.id: row.name for row in rows}


async def record_tool_calls(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert tool-call rows (the tool roll-ups follow by trigger)."""
    if rows:
        await session.execute(insert(ToolUsage), rows)


def _spend_where(start: datetime, end: datetime, condition: Callable[[Any], ColumnElement[bool]]) -> Select[Any]:
    """The cost of the roll-up rows matching `condition` (given the roll-up table) in [start, end)."""
    parts = []
    for part in slices(Window(start, end)):
        table = UsageDaily if part.daily else UsageHourly
        parts.append(
            select(table.cost.label("cost")).where(
                table.bucket >= part.start, table.bucket < part.end, condition(table)
            )
        )
    rows = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    return select(func.coalesce(func.sum(rows.c.cost), literal(0.0)))


def spend_of(scope: str, subject: str, start: datetime, end: datetime) -> Select[Any]:
    """The cost a budget subject ran up in [start, end), from the roll-ups."""

    def condition(table: Any) -> ColumnElement[bool]:
        if scope == "user":
            return table.user_id == subject  # type: ignore[no-any-return]
        if scope == "project":
            return table.project == subject  # type: ignore[no-any-return]
        members = select(CostCenterProject.project).where(CostCenterProject.cost_center_id == subject)
        return table.project.in_(members)  # type: ignore[no-any-return]

    return _spend_where(start, end, condition)


CLI_SOURCE = "cli"


def category_spend_of(
    project: str, category: str, premium_models: Sequence[str], start: datetime, end: datetime
) -> Select[Any]:
    """The cost a project ran up in [start, end) in one budget category: `premium_models` on premium models,
    `cli` from the CLI source, `platform` everything else."""

    def condition(table: Any) -> ColumnElement[bool]:
        in_project = table.project == project
        if category == "premium_models":
            return and_(in_project, table.model.in_(list(premium_models) or [""]))
        if category == CLI_SOURCE:
            return and_(in_project, table.source == CLI_SOURCE)
        return and_(in_project, table.source != CLI_SOURCE, table.model.not_in(list(premium_models) or [""]))

    return _spend_where(start, end, condition)


async def job_queues(session: AsyncSession) -> list[dict[str, Any]]:
    """Jobs waiting or running per queue, and how long the oldest waiting one has waited (seconds)."""
    query = text(
        "SELECT j.queue_name AS queue, "
        "count(*) FILTER (WHERE j.status = 'todo') AS todo, count(*) FILTER (WHERE j.status = 'doing') AS doing, "
        "coalesce(extract(epoch FROM now() - min(e.at) FILTER (WHERE j.status = 'todo')), 0) AS oldest "
        "FROM procrastinate.procrastinate_jobs j "
        "LEFT JOIN procrastinate.procrastinate_events e ON e.job_id = j.id AND e.type = 'deferred' "
        "WHERE j.status IN ('todo', 'doing') GROUP BY j.queue_name"
    )
    return [dict(row) for row in (await session.execute(query)).mappings()]
