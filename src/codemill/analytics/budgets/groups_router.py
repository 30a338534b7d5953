"""/v1/admin/project-budget-groups: the SDK's project_budget_groups service.

Platform admins create, reset and delete; a project's admins read its groups and change their category
distribution; a group another project owns answers 404 (no id probing).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from codemill.analytics.budgets import groups
from codemill.analytics.budgets.group_schemas import GroupCreate, GroupListOut, GroupOut, GroupUpdate
from codemill.analytics.dependencies import PremiumModels
from codemill.auth.dependencies import CurrentPrincipal, Session

router = APIRouter(prefix="/v1/admin/project-budget-groups", tags=["budgets"])


@router.post("", response_model=GroupOut, status_code=201)
async def create_group(
    session: Session, principal: CurrentPrincipal, premium: PremiumModels, body: GroupCreate
) -> GroupOut:
    """A project's budget, distributed across categories."""
    return await groups.create(session, principal, body, premium)


@router.get("", response_model=GroupListOut)
async def list_groups(
    session: Session,
    principal: CurrentPrincipal,
    premium: PremiumModels,
    project_name: Annotated[str, Query(min_length=1, max_length=200)],
) -> GroupListOut:
    """A project's budget groups with their categories' spending."""
    return await groups.list_for_project(session, principal, project_name, premium)


@router.get("/{group_id}", response_model=GroupOut)
async def get_group(session: Session, principal: CurrentPrincipal, premium: PremiumModels, group_id: str) -> GroupOut:
    """One budget group."""
    return await groups.get(session, principal, group_id, premium)


@router.put("/{group_id}", response_model=GroupOut)
async def update_group(
    session: Session, principal: CurrentPrincipal, premium: PremiumModels, group_id: str, body: GroupUpdate
) -> GroupOut:
    """Change a group (project admins: the category distribution only)."""
    return await groups.update(session, principal, group_id, body, premium)


@router.post("/{group_id}/reset", response_model=GroupOut)
async def reset_group(session: Session, principal: CurrentPrincipal, premium: PremiumModels, group_id: str) -> GroupOut:
    """Start a new period now: every category's spending from zero."""
    return await groups.reset(session, principal, group_id, premium)


@router.delete("/{group_id}", status_code=204, response_class=Response)
async def delete_group(session: Session, principal: CurrentPrincipal, group_id: str) -> Response:
    """Remove a group: its limits stop applying."""
    await groups.delete(session, principal, group_id)
    return Response(status_code=204)
