"""/v1/admin/users: user management for platform admins (listing also for project admins)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query

from codemill.audit import service as audit
from codemill.auth import policy
from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Session
from codemill.auth.passwords import password_policy
from codemill.errors import BadRequest, Forbidden
from codemill.kit.api_schemas import MessageOut
from codemill.kit.json_types import JsonObject
from codemill.kit.params import PageNumber
from codemill.users import admin_service
from codemill.users import service as user_service
from codemill.users.schemas import (
    Pagination,
    PasswordSet,
    UserChangedOut,
    UserCreate,
    UserDetailOut,
    UserListOut,
    UserProjectAckOut,
    UserProjectChangedOut,
    UserProjectGrant,
    UserProjectRole,
    UserProjectsOut,
    UserUpdate,
    user_detail_out,
    user_project_changed_out,
    user_project_out,
)

router = APIRouter(prefix="/v1/admin/users", tags=["admin"])


async def _detail(session: Session, user_id: str) -> UserDetailOut:
    return user_detail_out(*await admin_service.with_memberships(session, user_id))


@router.get("", response_model=UserListOut)
async def list_users(
    session: Session,
    principal: CurrentPrincipal,
    page: PageNumber = 0,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 20,
    search: Annotated[str | None, Query(max_length=200)] = None,
    filters: Annotated[str | None, Query(max_length=2000)] = None,
) -> UserListOut:
    """Users, paginated; project admins may list users too (to add them to their projects)."""
    if not (policy.is_platform_admin(principal) or principal.admin_project_names):
        raise Forbidden("Access denied", details="Listing users requires an admin or project-admin role.")
    try:
        parsed: JsonObject = json.loads(filters) if filters else {}
        if not isinstance(parsed, dict):
            raise ValueError
    except ValueError as exc:
        raise BadRequest("Invalid filters", details="filters must be a JSON object") from exc
    found, total = await admin_service.list_page(session, search=search, filters=parsed, page=page, per_page=per_page)
    return UserListOut(
        data=[user_detail_out(u, rows) for u, rows in found],
        pagination=Pagination(total=total, page=page, per_page=per_page),
    )


@router.post("", response_model=UserDetailOut)
async def create_user(
    body: UserCreate, session: Session, principal: CurrentPrincipal, settings: AppSettings
) -> UserDetailOut:
    """Create a local user (admins only; admins and maintainers are made by maintainers)."""
    policy.require_admin(principal)
    admin_service.ensure_may_grant_roles(
        principal, is_admin=body.is_admin, is_maintainer=True if body.is_maintainer else None
    )
    user = await user_service.create_user(
        session,
        email=body.email,
        username=body.username,
        password=body.password,
        password_policy=password_policy(settings.login),
        name=body.name,
        is_admin=body.is_admin,
        is_maintainer=body.is_maintainer,
        project_limit=body.project_limit,
    )
    await audit.record(
        session,
        principal,
        audit.Domain.USER_MANAGEMENT,
        "user_created",
        entity_type="user",
        entity_id=user.id,
        attributes={"email": user.email, "is_admin": body.is_admin},
    )
    return await _detail(session, user.id)


@router.get("/{user_id}", response_model=UserDetailOut)
async def get_user(user_id: str, session: Session, principal: CurrentPrincipal) -> UserDetailOut:
    """One user (admins, or the user themself)."""
    if user_id != principal.user_id:
        policy.require_admin(principal)
    return await _detail(session, user_id)


@router.put("/{user_id}", response_model=UserDetailOut)
async def update_user(user_id: str, body: UserUpdate, session: Session, principal: CurrentPrincipal) -> UserDetailOut:
    """Update roles, status, profile (admins only)."""
    policy.require_admin(principal)
    user = await admin_service.get_user(session, user_id)
    await admin_service.update_user(session, principal, user, body)
    await audit.record(
        session,
        principal,
        audit.Domain.USER_MANAGEMENT,
        "user_updated",
        entity_type="user",
        entity_id=user_id,
        attributes=body.model_dump(mode="json", exclude_unset=True),
    )
    return await _detail(session, user_id)


@router.delete("/{user_id}", response_model=UserChangedOut)
async def deactivate_user(user_id: str, session: Session, principal: CurrentPrincipal) -> UserChangedOut:
    """Deactivate (soft-delete) a user (admins only)."""
    policy.require_admin(principal)
    user = await admin_service.get_user(session, user_id)
    await admin_service.deactivate(session, principal, user)
    await audit.record(
        session, principal, audit.Domain.USER_MANAGEMENT, "user_deactivated", entity_type="user", entity_id=user_id
    )
    return UserChangedOut(message="User deactivated successfully", user_id=user_id)


@router.put("/{user_id}/password", response_model=MessageOut)
async def set_password(
    user_id: str, body: PasswordSet, session: Session, principal: CurrentPrincipal, settings: AppSettings
) -> MessageOut:
    """Set a user's password (admins only)."""
    policy.require_admin(principal)
    user = await admin_service.get_user(session, user_id)
    await user_service.set_password(session, user, body.new_password, password_policy(settings.login))
    await audit.record(
        session, principal, audit.Domain.USER_MANAGEMENT, "user_password_set", entity_type="user", entity_id=user_id
    )
    return MessageOut(message="Password changed successfully")


@router.get("/{user_id}/projects", response_model=UserProjectsOut)
async def user_projects(user_id: str, session: Session, principal: CurrentPrincipal) -> UserProjectsOut:
    """A user's project memberships (admins, or the user themself)."""
    if user_id != principal.user_id:
        policy.require_admin(principal)
    _, rows = await admin_service.with_memberships(session, user_id)
    return UserProjectsOut(projects=[user_project_out(m) for m, _ in rows])


@router.post("/{user_id}/projects", response_model=UserProjectChangedOut)
async def grant_project(
    user_id: str, body: UserProjectGrant, session: Session, principal: CurrentPrincipal
) -> UserProjectChangedOut:
    """Add a user to a project (admins only)."""
    policy.require_admin(principal)
    user = await admin_service.get_user(session, user_id)
    member = await admin_service.assign(session, user, body.project_name, body.is_project_admin)
    return user_project_changed_out("Project access granted", member)


@router.put("/{user_id}/projects/{project_name}", response_model=UserProjectChangedOut)
async def update_project_role(
    user_id: str, project_name: str, body: UserProjectRole, session: Session, principal: CurrentPrincipal
) -> UserProjectChangedOut:
    """Change a user's role in a project (admins only)."""
    policy.require_admin(principal)
    user = await admin_service.get_user(session, user_id)
    member = await admin_service.set_role(session, user, project_name, body.is_project_admin)
    return user_project_changed_out("Project role updated", member)


@router.delete("/{user_id}/projects/{project_name}", response_model=UserProjectAckOut)
async def revoke_project(
    user_id: str, project_name: str, session: Session, principal: CurrentPrincipal
) -> UserProjectAckOut:
    """Remove a user from a project (admins only)."""
    policy.require_admin(principal)
    user = await admin_service.get_user(session, user_id)
    await admin_service.revoke(session, user, project_name)
    return UserProjectAckOut(message="Project access revoked", user_id=user_id, project_name=project_name)


async def _mark_default(
    session: Session, principal: CurrentPrincipal, user_id: str, project_name: str, is_default: bool
) -> UserProjectAckOut:
    if user_id != principal.user_id:
        policy.require_admin(principal)
    user = await admin_service.get_user(session, user_id)
    await admin_service.set_default(session, user, project_name, is_default)
    message = "Default project set" if is_default else "Default project cleared"
    return UserProjectAckOut(message=message, user_id=user_id, project_name=project_name)


@router.put("/{user_id}/projects/{project_name}/default", response_model=UserProjectAckOut)
async def set_default_project(
    user_id: str, project_name: str, session: Session, principal: CurrentPrincipal
) -> UserProjectAckOut:
    """Mark a project as the user's default (admins, or the user themself)."""
    return await _mark_default(session, principal, user_id, project_name, True)


@router.delete("/{user_id}/projects/{project_name}/default", response_model=UserProjectAckOut)
async def clear_default_project(
    user_id: str, project_name: str, session: Session, principal: CurrentPrincipal
) -> UserProjectAckOut:
    """Unmark the user's default project (admins, or the user themself)."""
    return await _mark_default(session, principal, user_id, project_name, False)
