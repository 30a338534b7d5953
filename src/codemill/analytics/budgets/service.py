"""Budgets: spending per period from the roll-ups, limits checked before a turn, admin changes logged.

Enforcement: a turn is checked once, before its model call, against every budget it falls under; its cost is
written with its usage rows (the roll-up trigger adds it in the same transaction). Turns already running when
a budget is reached finish, so N concurrent turns overspend by at most one turn each, never more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics.budgets import groups, repository
from codemill.analytics.periods import HOUR, floor_day, floor_hour
from codemill.analytics.schemas import BudgetCreate, BudgetDuration, BudgetOut, BudgetScope, BudgetUpdate
from codemill.audit.service import Actor, Domain, record
from codemill.errors import CodemillError, Conflict, NotFound, Unprocessable
from codemill.models import Budget
from codemill.projects import repository as projects
from codemill.users import repository as users


class BudgetExceeded(CodemillError):
    """A hard limit is reached: the turn is refused before any model call."""

    status = 402
    code = "budget_exceeded"


@dataclass(frozen=True, slots=True)
class BudgetState:
    """A budget and where it stands in its current period."""

    budget: Budget
    spent: float
    period_start: datetime
    resets_at: datetime

    @property
    def over_hard(self) -> bool:
        """At or past the hard limit."""
        return self.budget.max_budget is not None and self.spent >= self.budget.max_budget

    @property
    def over_soft(self) -> bool:
        """At or past the soft limit."""
        return self.budget.soft_budget is not None and self.spent >= self.budget.soft_budget

    def warning(self) -> dict[str, object]:
        """The soft-limit warning a chat carries."""
        return {
            "budget_id": self.budget.id,
            "scope": self.budget.scope,
            "subject": self.budget.subject,
            "current_spending": round(self.spent, 6),
            "soft_budget": self.budget.soft_budget,
            "max_budget": self.budget.max_budget,
            "budget_reset_at": self.resets_at.isoformat(),
            "message": f"The {self.budget.scope.replace('_', ' ')} budget's soft limit is reached: "
            f"${self.spent:.4f} spent of ${self.budget.soft_budget:.4f} this {self.budget.budget_duration} period.",
        }


def period(duration: str, now: datetime) -> tuple[datetime, datetime]:
    """The current period [start, next reset) of a budget duration, in UTC."""
    day = floor_day(now)
    if duration == BudgetDuration.DAILY:
        return day, day + timedelta(days=1)
    if duration == BudgetDuration.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


async def state(session: AsyncSession, budget: Budget, now: datetime | None = None) -> BudgetState:
    """Spending of the budget's subject in its current period (minus what a manual reset set aside)."""
    now = now or datetime.now(UTC)
    start, resets_at = period(budget.budget_duration, now)
    spent = await repository.spending(session, budget.scope, budget.subject, start, floor_hour(now) + HOUR)
    if budget.reset_at is not None and budget.reset_at >= start:
        spent -= budget.spent_at_reset
    return BudgetState(budget, max(spent, 0.0), start, resets_at)


async def ensure_within_budget(
    session: AsyncSession,
    user_id: str,
    project: str | None,
    *,
    model: str | None = None,
    premium: Sequence[str] = (),
) -> list[BudgetState | groups.CategoryState]:
    """Refuse (402, CodeMie's error shape) when a budget the work falls under is at its hard limit.

    The budgets are the user's, the project's, its cost center's, and the project budget groups' category the
    work falls under (`model` among the catalogue's `premium` models: premium_models, else platform). Returns
    the budgets past their soft limit, whose warnings the caller passes on. Chats call it before the model
    runs; workflow runs call it before each run.
    """
    states = [await state(session, budget) for budget in await repository.budgets_for(session, user_id, project)]
    for over in (s for s in states if s.over_hard):
        raise BudgetExceeded(
            f"Budget exceeded: the {over.budget.scope.replace('_', ' ')} budget of "
            f"'{over.budget.subject}' is ${over.budget.max_budget:.4f} per {over.budget.budget_duration} period "
            f"and ${over.spent:.4f} is spent",
            details={
                "budget_id": over.budget.id,
                "scope": over.budget.scope,
                "subject": over.budget.subject,
                "current_spending": round(over.spent, 6),
                "max_budget": over.budget.max_budget,
                "budget_reset_at": over.resets_at.isoformat(),
            },
            help="The budget resets at the start of its next period; an admin can raise or reset it.",
        )
    categories = await groups.states_for_turn(session, project, model, premium) if project else []
    for hit in (c for c in categories if c.over_hard):
        raise BudgetExceeded(
            f"Budget exceeded: the {hit.category} budget of project '{hit.group.project_name}' "
            f"('{hit.group.name}') is ${hit.max_budget:.4f} per {hit.group.budget_duration} and ${hit.spent:.4f} "
            "is spent",
            details={k: v for k, v in hit.warning().items() if k != "message"},
            help="The budget resets at the start of its next period; an admin can raise or reset it.",
        )
    return [*(s for s in states if s.over_soft), *(c for c in categories if c.over_soft)]


def out(current: BudgetState) -> BudgetOut:
    """A budget as the API returns it."""
    b = current.budget
    return BudgetOut(
        id=b.id,
        scope=BudgetScope(b.scope),
        subject=b.subject,
        soft_budget=b.soft_budget,
        max_budget=b.max_budget,
        budget_duration=BudgetDuration(b.budget_duration),
        current_spending=round(current.spent, 6),
        period_start=current.period_start,
        budget_reset_at=current.resets_at,
        created_by=b.created_by,
        created_at=b.created_at,
        updated_at=b.updated_at,
    )


def _check_limits(soft: float | None, hard: float | None) -> None:
    if soft is not None and hard is not None and soft > hard:
        raise Unprocessable(
            "soft_budget: must not be above max_budget",
            details={"field": "soft_budget", "soft_budget": soft, "max_budget": hard},
        )


async def _existing(session: AsyncSession, budget_id: str) -> Budget:
    budget = await repository.get_budget(session, budget_id)
    if budget is None:
        raise NotFound("Budget not found", details={"budget_id": budget_id})
    return budget


async def _check_subject(session: AsyncSession, scope: BudgetScope, subject: str) -> None:
    exists = {
        BudgetScope.USER: users.get,
        BudgetScope.PROJECT: projects.get,
        BudgetScope.COST_CENTER: repository.get_cost_center,
    }[scope]
    if await exists(session, subject) is None:
        raise Unprocessable(
            f"subject: no {scope.replace('_', ' ')} '{subject}'",
            details={"field": "subject", "scope": scope.value, "subject": subject},
            help="A user budget names a user id, a project budget a project name, a cost center budget its id.",
        )


async def create(session: AsyncSession, actor: Actor, body: BudgetCreate) -> BudgetOut:
    """A new budget (one per subject)."""
    _check_limits(body.soft_budget, body.max_budget)
    await _check_subject(session, body.scope, body.subject)
    if await repository.find_budget(session, body.scope, body.subject) is not None:
        raise Conflict(
            f"subject: a {body.scope} budget on '{body.subject}' exists already",
            details={"field": "subject"},
            help="Update the existing budget instead.",
        )
    budget = Budget(
        scope=body.scope.value,
        subject=body.subject,
        soft_budget=body.soft_budget,
        max_budget=body.max_budget,
        budget_duration=body.budget_duration.value,
        created_by=actor.email,
        spent_at_reset=0.0,
    )
    await repository.add(session, budget)
    await record(
        session,
        actor,
        Domain.BUDGET_MANAGEMENT,
        "budget_created",
        entity_type="budget",
        entity_id=budget.id,
        attributes=body.model_dump(mode="json"),
    )
    return out(await state(session, budget))


async def update(session: AsyncSession, actor: Actor, budget_id: str, body: BudgetUpdate) -> BudgetOut:
    """Change a budget's limits or duration (fields left out stay)."""
    budget = await _existing(session, budget_id)
    changes = body.model_dump(exclude_unset=True, mode="json")
    soft = changes.get("soft_budget", budget.soft_budget)
    hard = changes.get("max_budget", budget.max_budget)
    _check_limits(soft, hard)
    for name, value in changes.items():
        if value is not None or name != "budget_duration":
            setattr(budget, name, value)
    await repository.add(session, budget)
    await record(
        session,
        actor,
        Domain.BUDGET_MANAGEMENT,
        "budget_updated",
        entity_type="budget",
        entity_id=budget.id,
        attributes=changes,
    )
    return out(await state(session, budget))


async def reset(session: AsyncSession, actor: Actor, budget_id: str) -> BudgetOut:
    """Start the budget's spending from zero now (until its period ends)."""
    budget = await _existing(session, budget_id)
    now = datetime.now(UTC)
    current = await state(session, budget, now)
    budget.spent_at_reset = current.spent + (
        budget.spent_at_reset if budget.reset_at and budget.reset_at >= current.period_start else 0.0
    )
    budget.reset_at = now
    await repository.add(session, budget)
    await record(
        session,
        actor,
        Domain.BUDGET_MANAGEMENT,
        "budget_reset",
        entity_type="budget",
        entity_id=budget.id,
        attributes={"spent_before_reset": round(current.spent, 6)},
    )
    return out(await state(session, budget, now))


async def delete(session: AsyncSession, actor: Actor, budget_id: str) -> None:
    """Remove a budget."""
    budget = await _existing(session, budget_id)
    await repository.remove(session, budget)
    await record(
        session,
        actor,
        Domain.BUDGET_MANAGEMENT,
        "budget_deleted",
        entity_type="budget",
        entity_id=budget_id,
        attributes={"scope": budget.scope, "subject": budget.subject},
    )


async def get(session: AsyncSession, budget_id: str) -> BudgetOut:
    """One budget with its current spending."""
    return out(await state(session, await _existing(session, budget_id)))


async def list_all(session: AsyncSession, scope: BudgetScope | None) -> list[BudgetOut]:
    """Every budget with its current spending."""
    return [out(await state(session, b)) for b in await repository.list_budgets(session, scope)]


async def states(session: AsyncSession) -> list[BudgetState]:
    """Every budget's current state (for the soft/hard limit reports)."""
    return [await state(session, b) for b in await repository.list_budgets(session)]
