"""Cost centers (the SDK's cost_center service): groups of projects budgeted together."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics.budgets import repository
from codemill.analytics.budgets.service import state
from codemill.analytics.schemas import (
    CostCenterAssignedBudgetSummary,
    CostCenterBudgetSummary,
    CostCenterCreate,
    CostCenterListOut,
    CostCenterOut,
    CostCenterPagination,
    CostCenterProjectsUpdate,
)
from codemill.audit.service import Actor, Domain, record
from codemill.errors import Conflict, NotFound
from codemill.models import CostCenter


async def _existing(session: AsyncSession, cost_center_id: str) -> CostCenter:
    center = await repository.get_cost_center(session, cost_center_id)
    if center is None:
        raise NotFound("Cost center not found", details={"cost_center_id": cost_center_id})
    return center


def _out(center: CostCenter, project_count: int) -> CostCenterOut:
    return CostCenterOut(
        id=center.id,
        name=center.name,
        description=center.description,
        created_by=center.created_by,
        created_at=center.created_at,
        project_count=project_count,
    )


async def create(session: AsyncSession, actor: Actor, body: CostCenterCreate) -> CostCenterOut:
    """A new cost center (names are unique)."""
    if await repository.cost_center_named(session, body.name) is not None:
        raise Conflict(f"name: a cost center named '{body.name}' exists already", details={"field": "name"})
    center = CostCenter(name=body.name, description=body.description, created_by=actor.email)
    await repository.add(session, center)
    await record(
        session,
        actor,
        Domain.BUDGET_MANAGEMENT,
        "cost_center_created",
        entity_type="cost_center",
        entity_id=center.id,
        attributes={"name": body.name},
    )
    return _out(center, 0)


async def list_page(session: AsyncSession, page: int, per_page: int) -> CostCenterListOut:
    """A page of cost centers."""
    rows, total = await repository.list_cost_centers(session, page, per_page)
    return CostCenterListOut(
        data=[_out(center, count) for center, count in rows],
        pagination=CostCenterPagination(total=total, page=page, per_page=per_page),
    )


async def delete(session: AsyncSession, actor: Actor, cost_center_id: str) -> None:
    """Remove a cost center (its projects are unassigned)."""
    center = await _existing(session, cost_center_id)
    await repository.remove(session, center)
    await record(
        session,
        actor,
        Domain.BUDGET_MANAGEMENT,
        "cost_center_deleted",
        entity_type="cost_center",
        entity_id=cost_center_id,
        attributes={"name": center.name},
    )


async def set_projects(
    session: AsyncSession, actor: Actor, cost_center_id: str, body: CostCenterProjectsUpdate
) -> CostCenterOut:
    """Assign projects to the cost center (replacing its list)."""
    center = await _existing(session, cost_center_id)
    projects = sorted(set(body.projects))
    await repository.set_projects(session, cost_center_id, projects)
    await record(
        session,
        actor,
        Domain.BUDGET_MANAGEMENT,
        "cost_center_projects_set",
        entity_type="cost_center",
        entity_id=cost_center_id,
        attributes={"projects": projects},
    )
    return _out(center, len(projects))


async def budget_rollup(session: AsyncSession, cost_center_id: str) -> CostCenterBudgetSummary:
    """The cost center's spending this period against its budget."""
    await _existing(session, cost_center_id)
    budget = await repository.find_budget(session, "cost_center", cost_center_id)
    projects = await repository.projects_of(session, cost_center_id)
    if budget is None:
        return CostCenterBudgetSummary(current_spending=0.0, budget_limit=None, total_percent=0.0)
    current = await state(session, budget)
    limit = budget.max_budget
    return CostCenterBudgetSummary(
        current_spending=round(current.spent, 6),
        budget_limit=limit,
        total_percent=round(100.0 * current.spent / limit, 3) if limit else 0.0,
        budgets=[
            CostCenterAssignedBudgetSummary(
                budget_category="platform",
                budget_duration=budget.budget_duration,
                soft_budget=budget.soft_budget or 0.0,
                max_budget=limit or 0.0,
                member_count=len(projects),
                allocated_member_budget_total=limit or 0.0,
                current_spending=round(current.spent, 6),
            )
        ],
    )
