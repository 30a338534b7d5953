"""Admin user management: create, update, deactivate, project assignments."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.changes import user_changed
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, Conflict, NotFound, access_denied, not_found
from codemill.kit.json_types import JsonObject
from codemill.models import Project, ProjectMember, User
from codemill.models.base import utcnow
from codemill.projects import repository as projects
from codemill.users import repository as users
from codemill.users.schemas import UserUpdate
from codemill.users.service import validate_email

Memberships = list[tuple[ProjectMember, Project]]


async def with_memberships(session: AsyncSession, user_id: str) -> tuple[User, Memberships]:
    """A user (or 404) and their memberships with the projects."""
    user = await get_user(session, user_id)
    return user, (await users.memberships(session, [user.id]))[user.id]


async def list_page(
    session: AsyncSession, *, search: str | None, filters: JsonObject, page: int, per_page: int
) -> tuple[list[tuple[User, Memberships]], int]:
    """A page of users, each with their memberships, and the total."""
    found, total = await users.list_users(session, search=search, filters=filters, page=page, per_page=per_page)
    rows = await users.memberships(session, [u.id for u in found])
    return [(u, rows[u.id]) for u in found], total


async def get_user(session: AsyncSession, user_id: str) -> User:
    """A user, or 404."""
    user = await users.get(session, user_id)
    if user is None:
        raise not_found("User", user_id)
    return user


def ensure_may_grant_roles(principal: Principal, *, is_admin: bool | None, is_maintainer: bool | None) -> None:
    """Platform roles as CodeMie has them: only a maintainer grants (or takes away) admin or maintainer."""
    if principal.is_maintainer:
        return
    if is_admin or is_maintainer is not None:
        raise access_denied("grant platform roles to")


async def update_user(session: AsyncSession, principal: Principal, user: User, update: UserUpdate) -> User:
    """Apply an admin update; refuses to remove the last active admin."""
    fields = update.model_fields_set
    ensure_may_grant_roles(
        principal,
        is_admin=update.is_admin if "is_admin" in fields and update.is_admin != user.is_admin else None,
        is_maintainer=update.is_maintainer
        if "is_maintainer" in fields and update.is_maintainer is not None and update.is_maintainer != user.is_maintainer
        else None,
    )
    if "email" in fields and update.email is not None:
        email = validate_email(update.email)
        other = await users.get_by_email(session, email)
        if other is not None and other.id != user.id:
            raise Conflict("A user with this email already exists", details={"field": "email"})
        user.email = email
    if "name" in fields and update.name is not None:
        user.name = update.name
    if "picture" in fields and update.picture is not None:
        user.picture = update.picture
    if "project_limit" in fields:
        user.project_limit = update.project_limit
    if "is_maintainer" in fields and update.is_maintainer is not None:
        user.is_maintainer = update.is_maintainer
    demoting = ("is_admin" in fields and update.is_admin is False) or (
        "is_active" in fields and update.is_active is False
    )
    if demoting and user.is_admin and user.is_active and await users.count_active_admins(session) <= 1:
        raise BadRequest("Cannot demote or deactivate the last active admin")
    if "is_admin" in fields and update.is_admin is not None:
        user.is_admin = update.is_admin
    if "is_active" in fields and update.is_active is not None:
        if not update.is_active and user.is_active:
            user.tokens_valid_after = utcnow()
        user.is_active = update.is_active
    await session.flush()
    await user_changed(session, user.id)
    return user


async def deactivate(session: AsyncSession, principal: Principal, user: User) -> None:
    """Soft-delete: the user can no longer sign in; their data stays."""
    await update_user(session, principal, user, UserUpdate(is_active=False))


async def assign(session: AsyncSession, user: User, project_name: str, is_admin: bool) -> ProjectMember:
    """Add the user to a project; assigning a member again sets their role (idempotent, as CodeMie)."""
    project = await projects.get(session, project_name)
    if project is None:
        raise not_found("Project", project_name)
    if project.project_type == "personal":
        raise BadRequest("Cannot modify membership of a personal project")
    member = await projects.membership(session, project_name, user.id)
    if member is None:
        member = ProjectMember(project_name=project_name, user_id=user.id, is_project_admin=is_admin)
        session.add(member)
    member.is_project_admin = is_admin
    await session.flush()
    await user_changed(session, user.id)
    return member


async def membership_or_404(session: AsyncSession, user: User, project_name: str) -> ProjectMember:
    """The user's membership of a project, or 404."""
    member = await projects.membership(session, project_name, user.id)
    if member is None:
        raise NotFound("User is not assigned to this project")
    return member


async def set_role(session: AsyncSession, user: User, project_name: str, is_admin: bool) -> ProjectMember:
    """Change the user's role in a project they belong to."""
    member = await membership_or_404(session, user, project_name)
    member.is_project_admin = is_admin
    await session.flush()
    await user_changed(session, user.id)
    return member


async def revoke(session: AsyncSession, user: User, project_name: str) -> None:
    """Remove the user from a project they belong to."""
    member = await membership_or_404(session, user, project_name)
    await session.delete(member)
    await session.flush()
    await user_changed(session, user.id)


async def set_default(session: AsyncSession, user: User, project_name: str, default: bool) -> None:
    """Mark (or unmark) the user's default project."""
    member = await membership_or_404(session, user, project_name)
    if default:
        await projects.clear_default(session, user.id)
    member.is_default = default
    await session.flush()
    await user_changed(session, user.id)
