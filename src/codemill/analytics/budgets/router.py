"""/v1/admin/budgets and /v1/admin/cost-centers (the SDK's cost_center service): platform admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from codemill.analytics.budgets import cost_centers, service
from codemill.analytics.schemas import (
    BudgetCreate,
    BudgetOut,
    BudgetScope,
    BudgetUpdate,
    CostCenterBudgetSummary,
    CostCenterCreate,
    CostCenterListOut,
    CostCenterOut,
    CostCenterProjectsUpdate,
)
from codemill.auth import policy
from codemill.auth.dependencies import CurrentPrincipal, Session

router = APIRouter(prefix="/v1/admin", tags=["budgets"])


@router.get("/budgets", response_model=list[BudgetOut])
async def list_budgets(
    session: Session, principal: CurrentPrincipal, scope: BudgetScope | None = None
) -> list[BudgetOut]:
    """Every budget with its spending this period."""
    policy.require_budget_admin(principal)
    return await service.list_all(session, scope)


@router.post("/budgets", response_model=BudgetOut, status_code=201)
async def create_budget(session: Session, principal: CurrentPrincipal, body: BudgetCreate) -> BudgetOut:
    """A budget on a user, a project or a cost center."""
    policy.require_budget_admin(principal)
    return await service.create(session, principal, body)


@router.get("/budgets/{budget_id}", response_model=BudgetOut)
async def get_budget(session: Session, principal: CurrentPrincipal, budget_id: str) -> BudgetOut:
    """One budget."""
    policy.require_budget_admin(principal)
    return await service.get(session, budget_id)


@router.put("/budgets/{budget_id}", response_model=BudgetOut)
async def update_budget(session: Session, principal: CurrentPrincipal, budget_id: str, body: BudgetUpdate) -> BudgetOut:
    """Change a budget's limits or period."""
    policy.require_budget_admin(principal)
    return await service.update(session, principal, budget_id, body)


@router.post("/budgets/{budget_id}/reset", response_model=BudgetOut)
async def reset_budget(session: Session, principal: CurrentPrincipal, budget_id: str) -> BudgetOut:
    """Count the budget's spending from zero again, now."""
    policy.require_budget_admin(principal)
    return await service.reset(session, principal, budget_id)


@router.delete("/budgets/{budget_id}", status_code=204, response_class=Response)
async def delete_budget(session: Session, principal: CurrentPrincipal, budget_id: str) -> Response:
    """Remove a budget."""
    policy.require_budget_admin(principal)
    await service.delete(session, principal, budget_id)
    return Response(status_code=204)


@router.post("/cost-centers", response_model=CostCenterOut, status_code=201)
async def create_cost_center(session: Session, principal: CurrentPrincipal, body: CostCenterCreate) -> CostCenterOut:
    """A new cost center."""
    policy.require_budget_admin(principal)
    return await cost_centers.create(session, principal, body)


@router.get("/cost-centers", response_model=CostCenterListOut)
async def list_cost_centers(
    session: Session,
    principal: CurrentPrincipal,
    page: Annotated[int, Query(ge=0)] = 0,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> CostCenterListOut:
    """Cost centers, by name."""
    policy.require_budget_admin(principal)
    return await cost_centers.list_page(session, page, per_page)


@router.delete("/cost-centers/{cost_center_id}", status_code=204, response_class=Response)
async def delete_cost_center(session: Session, principal: CurrentPrincipal, cost_center_id: str) -> Response:
    """Remove a cost center."""
    policy.require_budget_admin(principal)
    await cost_centers.delete(session, principal, cost_center_id)
    return Response(status_code=204)


@router.put("/cost-centers/{cost_center_id}/projects", response_model=CostCenterOut)
async def set_cost_center_projects(
    session: Session, principal: CurrentPrincipal, cost_center_id: str, body: CostCenterProjectsUpdate
) -> CostCenterOut:
    """Assign projects to the cost center (Codemill's own; the SDK has no call for it)."""
    policy.require_budget_admin(principal)
    return await cost_centers.set_projects(session, principal, cost_center_id, body)


@router.get("/cost-centers/{cost_center_id}/budget-rollup", response_model=CostCenterBudgetSummary)
async def budget_rollup(session: Session, principal: CurrentPrincipal, cost_center_id: str) -> CostCenterBudgetSummary:
    """The cost center's spending against its budget."""
    policy.require_budget_admin(principal)
    return await cost_centers.budget_rollup(session, cost_center_id)
