"""SQL for projects and project members."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import Project, ProjectMember


async def get(session: AsyncSession, name: str) -> Project | None:
    """A project by name."""
    return await session.get(Project, name)


async def get_case_insensitive(session: AsyncSession, name: str) -> Project | None:
    """A project whose name equals `name` ignoring case."""
    result = await session.execute(select(Project).where(func.lower(Project.name) == name.lower()))
    return result.scalars().first()


async def list_projects(
    session: AsyncSession,
    *,
    member_of: str | None,
    search: str | None,
    page: int,
    per_page: int,
    sort_by: str | None,
    descending: bool,
) -> tuple[list[Project], int]:
    """A page of projects (only those `member_of` belongs to, when given) and the total."""
    query = select(Project)
    if member_of is not None:
        mine = select(ProjectMember.project_name).where(ProjectMember.user_id == member_of)
        query = query.where(Project.name.in_(mine))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(Project.name).like(pattern), func.lower(Project.description).like(pattern)))
    total = int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
    column = Project.created_at if sort_by == "created_at" else Project.name
    query = query.order_by(column.desc() if descending else column.asc())
    rows = await session.execute(query.offset(page * per_page).limit(per_page))
    return list(rows.scalars()), total


async def member_counts(session: AsyncSession, names: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(user_count, admin_count) per project."""
    if not names:
        return {}
    rows = await session.execute(
        select(
            ProjectMember.project_name,
            func.count(),
            func.sum(case((ProjectMember.is_project_admin.is_(True), 1), else_=0)),
        )
        .where(ProjectMember.project_name.in_(names))
        .group_by(ProjectMember.project_name)
    )
    counts = {name: (0, 0) for name in names}
    for name, users, admins in rows.tuples():
        counts[name] = (int(users), int(admins or 0))
    return counts


async def members(session: AsyncSession, name: str) -> list[ProjectMember]:
    """A project's members."""
    rows = await session.execute(
        select(ProjectMember).where(ProjectMember.project_name == name).order_by(ProjectMember.created_at)
    )
    return list(rows.scalars())


async def membership(session: AsyncSession, name: str, user_id: str) -> ProjectMember | None:
    """One membership."""
    return await session.get(ProjectMember, (name, user_id))


async def count_created_shared(session: AsyncSession, user_id: str) -> int:
    """How many shared projects a user created (for the per-user project limit)."""
    query = select(func.count()).where(Project.created_by == user_id, Project.project_type == "shared")
    return int((await session.execute(query)).scalar_one())


async def clear_default(session: AsyncSession, user_id: str) -> None:
    """Unset the user's default project."""
    await session.execute(update(ProjectMember).where(ProjectMember.user_id == user_id).values(is_default=False))


async def remove_members(session: AsyncSession, name: str, user_ids: Sequence[str]) -> int:
    """Remove memberships; returns how many were removed."""
    result = await session.execute(
        delete(ProjectMember).where(ProjectMember.project_name == name, ProjectMember.user_id.in_(user_ids))
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def names_like(session: AsyncSession, search: str | None, limit: int) -> list[Project]:
    """Projects by name substring (admin applications list)."""
    query = select(Project)
    if search:
        query = query.where(func.lower(Project.name).like(f"%{search.lower()}%"))
    rows = await session.execute(query.order_by(Project.name).limit(limit))
    return list(rows.scalars())
