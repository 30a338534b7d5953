"""The /v1/analytics reports: each a grouping of the usage roll-ups, in CodeMie's tabular or summary shape."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics import repository
from codemill.analytics.periods import resolve
from codemill.analytics.schemas import (
    ColumnDefinition,
    Metric,
    PaginationMetadata,
    ResponseMetadata,
    SummariesData,
    SummariesOut,
    TabularData,
    TabularOut,
    TimelineData,
    TimelineOut,
    TimelinePoint,
    UserListItem,
    UsersListData,
    UsersListOut,
)
from codemill.auth import policy
from codemill.auth.principal import Principal

FLOATS = {"total_cost_usd", "avg_latency_ms", "avg_duration_ms", "assistant_cost", "workflow_cost", "percentage"}


@dataclass(frozen=True, slots=True)
class Query:
    """The SDK's query parameters."""

    time_period: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    users: str | None = None
    projects: str | None = None
    page: int = 0
    per_page: int = 20

    def filters(self) -> dict[str, Any]:
        """What the response reports as applied."""
        fields = ("time_period", "start_date", "end_date", "users", "projects")
        return {name: getattr(self, name) for name in fields if getattr(self, name)}


@dataclass(frozen=True, slots=True)
class Report:
    """One tabular report: how rows are grouped and summed, and the columns shown."""

    group_by: tuple[str, ...]
    measures: tuple[str, ...]
    order_by: str
    columns: tuple[tuple[str, str, str, str | None], ...]  # id, label, type, format
    tools: bool = False
    non_empty: str | None = None
    renames: dict[str, str] = field(default_factory=dict)


def _col(id_: str, label: str, type_: str = "number", format_: str | None = None) -> tuple[str, str, str, str | None]:
    return (id_, label, type_, format_)


COST = _col("total_cost_usd", "Total Cost ($)", "number", "currency")
INPUT = _col("input_tokens", "Input Tokens")
OUTPUT = _col("output_tokens", "Output Tokens")
REQUESTS = _col("total_requests", "Total Requests")
USERS = _col("unique_users", "Unique Users")
ERRORS = _col("error_count", "Errors")
TOKENS = _col("total_tokens", "Total Tokens")
EMAIL = _col("user_email", "User Email", "string")
ASSISTANT = _col("assistant_name", "Assistant", "string")

REPORTS: dict[str, Report] = {
    "projects-spending": Report(
        ("project",),
        ("total_cost_usd", "input_tokens", "output_tokens", "total_requests"),
        "total_cost_usd",
        (_col("project_name", "Project", "string"), COST, INPUT, OUTPUT, REQUESTS),
        non_empty="project",
        renames={"project": "project_name"},
    ),
    "users-spending": Report(
        ("user_id",),
        ("total_cost_usd", "input_tokens", "output_tokens", "total_requests"),
        "total_cost_usd",
        (EMAIL, _col("user_id", "User ID", "string"), COST, INPUT, OUTPUT, REQUESTS),
        non_empty="user_id",
    ),
    "llms-usage": Report(
        ("model",),
        ("total_requests", "input_tokens", "output_tokens", "cached_input_tokens", "total_cost_usd", "avg_latency_ms"),
        "total_requests",
        (
            _col("model_name", "Model", "string"),
            REQUESTS,
            INPUT,
            OUTPUT,
            _col("cached_input_tokens", "Cached Input Tokens"),
            COST,
            _col("avg_latency_ms", "Average Latency (ms)"),
        ),
        renames={"model": "model_name"},
    ),
    "assistants-chats": Report(
        ("assistant_id", "project"),
        ("total_requests", "unique_users", "error_count", "input_tokens", "output_tokens", "total_cost_usd"),
        "total_requests",
        (
            ASSISTANT,
            _col("assistant_id", "Assistant ID", "string"),
            _col("project", "Project", "string"),
            REQUESTS,
            USERS,
            ERRORS,
            INPUT,
            OUTPUT,
            COST,
        ),
        non_empty="assistant_id",
    ),
    "agents-usage": Report(
        ("assistant_id",),
        ("total_requests", "unique_users", "error_count", "total_tokens", "total_cost_usd", "avg_latency_ms"),
        "total_requests",
        (
            _col("agent_name", "Agent", "string"),
            _col("assistant_id", "Assistant ID", "string"),
            _col("total_invocations", "Invocations"),
            USERS,
            ERRORS,
            TOKENS,
            COST,
            _col("avg_latency_ms", "Average Latency (ms)"),
        ),
        non_empty="assistant_id",
        renames={"total_requests": "total_invocations"},
    ),
    "workflows": Report(
        ("workflow_id",),
        ("total_requests", "error_count", "unique_users", "total_tokens", "total_cost_usd"),
        "total_cost_usd",
        (_col("workflow_id", "Workflow", "string"), REQUESTS, ERRORS, USERS, TOKENS, COST),
        non_empty="workflow_id",
    ),
    "tools-usage": Report(
        ("tool",),
        ("total_invocations", "unique_users", "unique_assistants", "error_count", "avg_duration_ms"),
        "total_invocations",
        (
            _col("tool_name", "Tool", "string"),
            _col("total_invocations", "Invocations"),
            USERS,
            _col("unique_assistants", "Assistants"),
            ERRORS,
            _col("avg_duration_ms", "Average Duration (ms)"),
        ),
        tools=True,
        renames={"tool": "tool_name"},
    ),
    "mcp-servers": Report(
        ("mcp_server",),
        ("total_invocations", "percentage", "unique_users"),
        "total_invocations",
        (
            _col("mcp_name", "MCP Server", "string"),
            _col("total_invocations", "Invocations"),
            _col("percentage", "Share (%)", "number", "percentage"),
            USERS,
        ),
        tools=True,
        non_empty="mcp_server",
        renames={"mcp_server": "mcp_name"},
    ),
    "users-activity": Report(
        ("user_id",),
        (
            "total_cost_usd",
            "total_requests",
            "input_tokens",
            "output_tokens",
            "total_tokens",
            "unique_projects",
            "last_active",
        ),
        "total_cost_usd",
        (
            EMAIL,
            _col("user_id", "User ID", "string"),
            COST,
            REQUESTS,
            INPUT,
            OUTPUT,
            TOKENS,
            _col("unique_projects", "Projects"),
            _col("last_active", "Last Active", "date", "timestamp"),
        ),
        non_empty="user_id",
    ),
    "projects-activity": Report(
        ("project",),
        ("total_cost_usd", "assistant_cost", "workflow_cost", "unique_users", "total_tokens", "total_requests"),
        "total_cost_usd",
        (
            _col("project_name", "Project", "string"),
            COST,
            _col("assistant_cost", "Assistant Cost ($)", "number", "currency"),
            _col("workflow_cost", "Workflow Cost ($)", "number", "currency"),
            USERS,
            TOKENS,
            REQUESTS,
        ),
        non_empty="project",
        renames={"project": "project_name"},
    ),
}


def _plain(name: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        return round(float(value), 6) if name in FLOATS else int(value)
    return value


def _metadata(query: Query, started: float, now: datetime) -> ResponseMetadata:
    return ResponseMetadata(
        timestamp=now.isoformat(),
        data_as_of=now.isoformat(),
        filters_applied=query.filters(),
        execution_time_ms=round((time.perf_counter() - started) * 1000, 3),
    )


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def scope_of(principal: Principal, query: Query, now: datetime) -> repository.Scope:
    """The rows a query reads: its window and filters, narrowed to what the caller may see."""
    users, projects = _split(query.users), _split(query.projects)
    view = policy.analytics_view(principal, list(projects), list(users))
    return repository.Scope(resolve(query.time_period, query.start_date, query.end_date, now), view, users, projects)


async def tabular(session: AsyncSession, principal: Principal, name: str, query: Query) -> TabularOut:
    """A tabular report by name (see REPORTS)."""
    started, now = time.perf_counter(), datetime.now(UTC)
    report = REPORTS[name]
    scope = scope_of(principal, query, now)
    rows, total = await repository.table(
        session,
        repository.source(report.tools, scope),
        report.group_by,
        report.measures,
        order_by=report.order_by,
        page=query.page,
        per_page=query.per_page,
        tools=report.tools,
        non_empty=report.non_empty,
    )
    shaped = [{report.renames.get(k, k): _plain(k, v) for k, v in row.items()} for row in rows]
    await _name(session, shaped)
    return TabularOut(
        data=TabularData(
            columns=[ColumnDefinition(id=c[0], label=c[1], type=c[2], format=c[3]) for c in report.columns],
            rows=shaped,
        ),
        metadata=_metadata(query, started, now),
        pagination=PaginationMetadata(
            page=query.page,
            per_page=query.per_page,
            total_count=total,
            has_more=(query.page + 1) * query.per_page < total,
        ),
    )


async def _name(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Add the names people read (emails, assistant names) next to ids."""
    user_ids = [row["user_id"] for row in rows if row.get("user_id")]
    if user_ids:
        names = await repository.user_names(session, user_ids)
        for row in rows:
            email, display = names.get(row["user_id"], (row["user_id"], row["user_id"]))
            row["user_email"], row["user_name"] = email, display
    assistant_ids = [row["assistant_id"] for row in rows if row.get("assistant_id")]
    if assistant_ids:
        titles = await repository.assistant_names(session, assistant_ids)
        for row in rows:
            title = titles.get(row["assistant_id"], row["assistant_id"])
            row["assistant_name"] = row["agent_name"] = title


SUMMARY_MEASURES = (
    "total_cost_usd",
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "total_requests",
    "error_count",
    "avg_latency_ms",
    "unique_users",
    "unique_assistants",
    "unique_workflows",
)


async def summaries(session: AsyncSession, principal: Principal, query: Query) -> SummariesOut:
    """Totals: money, tokens, requests, errors, latency, distinct users/assistants/workflows, MCP servers used."""
    started, now = time.perf_counter(), datetime.now(UTC)
    scope = scope_of(principal, query, now)
    totals = await repository.summary(session, scope, SUMMARY_MEASURES)
    tools, _ = await repository.table(
        session,
        repository.source(True, scope),
        ("mcp_server",),
        ("total_invocations",),
        order_by="total_invocations",
        tools=True,
        non_empty="mcp_server",
    )
    t = {k: _plain(k, v) for k, v in totals.items()}
    money = {"format": "currency"}
    metrics = [
        Metric(id="total_money_spent", label="Total Money Spent", value=round(t["total_cost_usd"], 6), **money),
        Metric(id="platform_cost", label="Platform LLM Cost", value=round(t["total_cost_usd"], 6), **money),
        Metric(id="cli_cost", label="CLI Cost", value=0.0, **money),
        Metric(id="total_tokens", label="Total Tokens", value=t["input_tokens"] + t["output_tokens"], format="number"),
        Metric(id="total_input_tokens", label="LLM Input Tokens", value=t["input_tokens"], format="number"),
        Metric(
            id="total_cached_input_tokens",
            label="Total Cache Read Tokens",
            value=t["cached_input_tokens"],
            format="number",
        ),
        Metric(id="total_cache_creation_tokens", label="Total Cache Creation Tokens", value=0, format="number"),
        Metric(id="total_output_tokens", label="LLM Output Tokens", value=t["output_tokens"], format="number"),
        Metric(id="unique_active_users", label="Unique Active Users", value=t["unique_users"], format="number"),
        Metric(
            id="unique_assistants_invoked",
            label="Unique Assistants Invoked",
            value=t["unique_assistants"],
            format="number",
        ),
        Metric(
            id="unique_workflows_invoked",
            label="Unique Workflows Invoked",
            value=t["unique_workflows"],
            format="number",
        ),
        Metric(id="mcps_invoked", label="MCPs Invoked", value=len(tools), format="number"),
        Metric(id="total_requests", label="Model Calls", value=t["total_requests"], format="number"),
        Metric(id="total_errors", label="Failed Model Calls", value=t["error_count"], format="number"),
        Metric(
            id="avg_latency_ms",
            label="Average Model Latency (ms)",
            value=round(t["avg_latency_ms"], 3),
            format="number",
        ),
    ]
    return SummariesOut(data=SummariesData(metrics=metrics), metadata=_metadata(query, started, now))


TIMELINE_ZERO = {"total_cost_usd": 0.0, "input_tokens": 0, "output_tokens": 0, "total_requests": 0, "error_count": 0}


async def timeline(session: AsyncSession, principal: Principal, query: Query) -> TimelineOut:
    """Usage per hour (windows up to two days) or per day, every bucket of the window present (zeros included)."""
    started, now = time.perf_counter(), datetime.now(UTC)
    scope = scope_of(principal, query, now)
    hourly = scope.window.end - scope.window.start <= timedelta(days=2)
    grain, step = ("hour", timedelta(hours=1)) if hourly else ("day", timedelta(days=1))
    found = {row["bucket"]: row for row in await repository.timeline(session, scope, grain)}
    first = scope.window.start.replace(minute=0, second=0, microsecond=0)
    if not hourly:
        first = first.replace(hour=0)
    points, bucket = [], first
    while bucket < scope.window.end:
        row = found.get(bucket, TIMELINE_ZERO)
        points.append(TimelinePoint(bucket=bucket, **{k: _plain(k, row[k]) for k in TIMELINE_ZERO}))
        bucket += step
    return TimelineOut(data=TimelineData(grain=grain, points=points), metadata=_metadata(query, started, now))


async def users(session: AsyncSession, principal: Principal, query: Query) -> UsersListOut:
    """The users with usage in the scope."""
    started, now = time.perf_counter(), datetime.now(UTC)
    scope = scope_of(principal, query, now)
    rows, total = await repository.table(
        session,
        repository.source(False, scope),
        ("user_id",),
        ("total_requests",),
        order_by="total_requests",
        non_empty="user_id",
    )
    names = await repository.user_names(session, [row["user_id"] for row in rows])
    items = [UserListItem(id=row["user_id"], name=names.get(row["user_id"], ("", row["user_id"]))[1]) for row in rows]
    return UsersListOut(data=UsersListData(users=items, total_count=total), metadata=_metadata(query, started, now))
