"""The budget-soft-limit and budget-hard-limit analytics reports."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics.budgets.service import BudgetState, states
from codemill.analytics.schemas import ColumnDefinition, PaginationMetadata, ResponseMetadata, TabularData, TabularOut
from codemill.auth import policy
from codemill.auth.principal import Principal

COLUMNS = [
    ColumnDefinition(id="scope", label="Scope", type="string"),
    ColumnDefinition(id="subject", label="Subject", type="string"),
    ColumnDefinition(id="current_spending", label="Current Spending ($)", type="number", format="currency"),
    ColumnDefinition(id="soft_budget", label="Soft Limit ($)", type="number", format="currency"),
    ColumnDefinition(id="max_budget", label="Hard Limit ($)", type="number", format="currency"),
    ColumnDefinition(id="budget_duration", label="Period", type="string"),
    ColumnDefinition(id="budget_reset_at", label="Resets At", type="date", format="timestamp"),
]


def _visible(view: policy.AnalyticsView, s: BudgetState) -> bool:
    if view.everything:
        return True
    if s.budget.scope == "user":
        return s.budget.subject == view.user_id
    return s.budget.scope == "project" and s.budget.subject in view.admin_projects


async def over_limit(session: AsyncSession, principal: Principal, hard: bool, page: int, per_page: int) -> TabularOut:
    """Budgets at or past their soft (or hard) limit that the caller may see, most spent first."""
    started, now = time.perf_counter(), datetime.now(UTC)
    view = policy.analytics_view(principal, [], [])
    over = [s for s in await states(session) if (s.over_hard if hard else s.over_soft) and _visible(view, s)]
    over.sort(key=lambda s: -s.spent)
    rows = [
        {
            "scope": s.budget.scope,
            "subject": s.budget.subject,
            "current_spending": round(s.spent, 6),
            "soft_budget": s.budget.soft_budget,
            "max_budget": s.budget.max_budget,
            "budget_duration": s.budget.budget_duration,
            "budget_reset_at": s.resets_at.isoformat(),
        }
        for s in over[page * per_page : (page + 1) * per_page]
    ]
    return TabularOut(
        data=TabularData(columns=COLUMNS, rows=rows),
        metadata=ResponseMetadata(
            timestamp=now.isoformat(),
            data_as_of=now.isoformat(),
            filters_applied={},
            execution_time_ms=round((time.perf_counter() - started) * 1000, 3),
        ),
        pagination=PaginationMetadata(
            page=page, per_page=per_page, total_count=len(over), has_more=(page + 1) * per_page < len(over)
        ),
    )
