"""SQL for users and their memberships."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import Invitation, Project, ProjectMember, User


async def get(session: AsyncSession, user_id: str) -> User | None:
    """A user by id."""
    return await session.get(User, user_id)


async def get_many(session: AsyncSession, user_ids: Sequence[str]) -> dict[str, User]:
    """Users by id (missing ids are left out)."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User).where(User.id.in_(list(user_ids))))
    return {u.id: u for u in rows.scalars()}


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    """A user by email (case-insensitive)."""
    result = await session.execute(select(User).where(func.lower(User.email) == email.lower()))
    return result.scalar_one_or_none()


async def get_by_username(session: AsyncSession, username: str) -> User | None:
    """A user by username (case-insensitive)."""
    result = await session.execute(select(User).where(func.lower(User.username) == username.lower()))
    return result.scalar_one_or_none()


async def get_by_subject(session: AsyncSession, auth_source: str, subject: str) -> User | None:
    """A user by the identity provider's subject."""
    result = await session.execute(select(User).where(User.auth_source == auth_source, User.subject == subject))
    return result.scalar_one_or_none()


async def count_users(session: AsyncSession) -> int:
    """How many users exist."""
    return int((await session.execute(select(func.count()).select_from(User))).scalar_one())


async def count_active_admins(session: AsyncSession) -> int:
    """How many active platform admins exist."""
    query = select(func.count()).select_from(User).where(User.is_admin.is_(True), User.is_active.is_(True))
    return int((await session.execute(query)).scalar_one())


def _user_filters(query: Select[Any], search: str | None, filters: dict[str, Any]) -> Select[Any]:
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(
                func.lower(User.email).like(pattern),
                func.lower(User.username).like(pattern),
                func.lower(User.name).like(pattern),
            )
        )
    if "is_active" in filters:
        query = query.where(User.is_active.is_(bool(filters["is_active"])))
    role = filters.get("platform_role")
    if role == "admin":
        query = query.where(User.is_admin.is_(True))
    elif role == "user":
        query = query.where(User.is_admin.is_(False))
    projects = filters.get("projects")
    if projects:
        names = [projects] if isinstance(projects, str) else list(projects)
        members = select(ProjectMember.user_id).where(ProjectMember.project_name.in_(names))
        query = query.where(User.id.in_(members))
    return query


async def list_users(
    session: AsyncSession,
    *,
    search: str | None,
    filters: dict[str, Any],
    page: int,
    per_page: int,
    only_in_projects: Sequence[str] | None = None,
) -> tuple[list[User], int]:
    """A page of users and the total count."""
    query = _user_filters(select(User), search, filters)
    if only_in_projects is not None:
        members = select(ProjectMember.user_id).where(ProjectMember.project_name.in_(only_in_projects))
        query = query.where(User.id.in_(members))
    total = int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
    rows = await session.execute(
        query.order_by(func.lower(User.name), User.email).offset(page * per_page).limit(per_page)
    )
    return list(rows.scalars()), total


async def memberships(session: AsyncSession, user_ids: Sequence[str]) -> dict[str, list[tuple[ProjectMember, Project]]]:
    """Each user's memberships with their projects."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(ProjectMember, Project)
        .join(Project, Project.name == ProjectMember.project_name)
        .where(ProjectMember.user_id.in_(user_ids))
        .order_by(ProjectMember.project_name)
    )
    out: dict[str, list[tuple[ProjectMember, Project]]] = {uid: [] for uid in user_ids}
    for member, project in rows.tuples():
        out[member.user_id].append((member, project))
    return out


async def invitation_by_hash(session: AsyncSession, token_hash: str, *, for_update: bool = False) -> Invitation | None:
    """The invitation with this token hash (locked for the acceptance when asked)."""
    query = select(Invitation).where(Invitation.token_hash == token_hash)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def open_invitations_of(session: AsyncSession, user_id: str) -> list[Invitation]:
    """A user's unused invitations (a new one replaces them)."""
    rows = await session.execute(select(Invitation).where(Invitation.user_id == user_id, Invitation.used_at.is_(None)))
    return list(rows.scalars())
