"""SQL for budgets and cost centers; spending is read from the usage roll-ups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics.repository import category_spend_of, spend_of
from codemill.models import Budget, CostCenter, CostCenterProject, ProjectBudgetGroup


async def spending(session: AsyncSession, scope: str, subject: str, start: datetime, end: datetime) -> float:
    """USD a budget's subject spent in [start, end)."""
    return float((await session.execute(spend_of(scope, subject, start, end))).scalar_one())


async def budgets_for(session: AsyncSession, user_id: str, project: str | None) -> list[Budget]:
    """The budgets a turn by this user in this project falls under (user, project, the project's cost center)."""
    applies = [and_(Budget.scope == "user", Budget.subject == user_id)]
    if project:
        center = select(CostCenterProject.cost_center_id).where(CostCenterProject.project == project)
        applies.append(and_(Budget.scope == "project", Budget.subject == project))
        applies.append(and_(Budget.scope == "cost_center", Budget.subject.in_(center)))
    return list((await session.scalars(select(Budget).where(or_(*applies)))).all())


async def get_budget(session: AsyncSession, budget_id: str) -> Budget | None:
    """A budget by id."""
    return await session.get(Budget, budget_id)


async def find_budget(session: AsyncSession, scope: str, subject: str) -> Budget | None:
    """The budget on a subject, if any."""
    return await session.scalar(select(Budget).where(Budget.scope == scope, Budget.subject == subject))


async def list_budgets(session: AsyncSession, scope: str | None = None) -> list[Budget]:
    """Every budget (of one scope), oldest first."""
    query = select(Budget).order_by(Budget.created_at, Budget.id)
    if scope:
        query = query.where(Budget.scope == scope)
    return list((await session.scalars(query)).all())


async def add(session: AsyncSession, row: Budget | CostCenter) -> None:
    """Stage a new row and flush it."""
    session.add(row)
    await session.flush()


async def remove(session: AsyncSession, row: Budget | CostCenter) -> None:
    """Delete a row and flush."""
    await session.delete(row)
    await session.flush()


async def get_cost_center(session: AsyncSession, cost_center_id: str) -> CostCenter | None:
    """A cost center by id."""
    return await session.get(CostCenter, cost_center_id)


async def cost_center_named(session: AsyncSession, name: str) -> CostCenter | None:
    """A cost center by name."""
    return await session.scalar(select(CostCenter).where(CostCenter.name == name))


async def list_cost_centers(
    session: AsyncSession, page: int, per_page: int
) -> tuple[list[tuple[CostCenter, int]], int]:
    """A page of cost centers with their project counts, by name; and the total."""
    counts = (
        select(CostCenterProject.cost_center_id, func.count().label("n"))
        .group_by(CostCenterProject.cost_center_id)
        .subquery()
    )
    query = (
        select(CostCenter, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.cost_center_id == CostCenter.id)
        .order_by(CostCenter.name)
        .limit(per_page)
        .offset(page * per_page)
    )
    rows = [(center, int(n)) for center, n in (await session.execute(query)).all()]
    total = int((await session.execute(select(func.count()).select_from(CostCenter))).scalar_one())
    return rows, total


async def projects_of(session: AsyncSession, cost_center_id: str) -> list[str]:
    """The projects of a cost center."""
    query = select(CostCenterProject.project).where(CostCenterProject.cost_center_id == cost_center_id)
    return sorted((await session.scalars(query)).all())


async def set_projects(session: AsyncSession, cost_center_id: str, projects: Sequence[str]) -> None:
    """Make these the cost center's projects (a project moves here from any other cost center)."""
    await session.execute(delete(CostCenterProject).where(CostCenterProject.cost_center_id == cost_center_id))
    if projects:
        await session.execute(delete(CostCenterProject).where(CostCenterProject.project.in_(list(projects))))
        session.add_all(CostCenterProject(project=p, cost_center_id=cost_center_id) for p in projects)
    await session.flush()


async def category_spending(
    session: AsyncSession, project: str, category: str, premium: Sequence[str], start: datetime, end: datetime
) -> float:
    """USD a project spent in [start, end) in one budget category."""
    return float((await session.execute(category_spend_of(project, category, premium, start, end))).scalar_one())


async def get_group(session: AsyncSession, group_id: str) -> ProjectBudgetGroup | None:
    """A live (not deleted) project budget group by id."""
    group = await session.get(ProjectBudgetGroup, group_id)
    return group if group is not None and group.deleted_at is None else None


async def groups_of(session: AsyncSession, project: str) -> list[ProjectBudgetGroup]:
    """A project's live budget groups, oldest first."""
    query = (
        select(ProjectBudgetGroup)
        .where(ProjectBudgetGroup.project_name == project, ProjectBudgetGroup.deleted_at.is_(None))
        .order_by(ProjectBudgetGroup.created_at, ProjectBudgetGroup.id)
    )
    return list((await session.scalars(query)).all())


async def add_group(session: AsyncSession, group: ProjectBudgetGroup) -> None:
    """Stage a new or changed group."""
    session.add(group)
    await session.flush()
