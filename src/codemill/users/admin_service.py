"""Admin user management: create, update, deactivate, project assignments."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.changes import user_changed
from codemill.errors import BadRequest, Conflict, NotFound
from codemill.models import ProjectMember, User
from codemill.models.base import utcnow
from codemill.projects import repository as projects
from codemill.users import repository as users
from codemill.users.schemas import UserUpdate
from codemill.users.service import validate_email


async def get_user(session: AsyncSession, user_id: str) -> User:
    """A user, or 404."""
    user = await users.get(session, user_id)
    if user is None:
        raise NotFound("User not found", details={"user_id": user_id})
    return user


async def update_user(session: AsyncSession, user: User, update: UserUpdate) -> User:
    """Apply an admin update; refuses to remove the last active admin."""
    fields = update.model_fields_set
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


async def deactivate(session: AsyncSession, user: User) -> None:
    """Soft-delete: the user can no longer sign in; their data stays."""
    await update_user(session, user, UserUpdate(is_active=False))


async def assign(session: AsyncSession, user: User, project_name: str, is_admin: bool) -> ProjectMember:
    """Add the user to a project (409 if already a member)."""
    project = await projects.get(session, project_name)
    if project is None:
        raise NotFound("Project not found", details={"project": project_name})
    if project.project_type == "personal":
        raise BadRequest("Cannot modify membership of a personal project")
    if await projects.membership(session, project_name, user.id) is not None:
        raise Conflict("User already assigned to project")
    member = ProjectMember(project_name=project_name, user_id=user.id, is_project_admin=is_admin)
    session.add(member)
    await session.flush()
    await user_changed(session, user.id)
    return member


async def membership_or_404(session: AsyncSession, user: User, project_name: str) -> ProjectMember:
    """The user's membership of a project, or 404."""
    member = await projects.membership(session, project_name, user.id)
    if member is None:
        raise NotFound("User is not assigned to this project")
    return member


async def set_default(session: AsyncSession, user: User, project_name: str, default: bool) -> None:
    """Mark (or unmark) the user's default project."""
    member = await membership_or_404(session, user, project_name)
    if default:
        await projects.clear_default(session, user.id)
    member.is_default = default
    await session.flush()
    await user_changed(session, user.id)
