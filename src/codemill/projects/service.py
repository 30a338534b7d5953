"""Project logic: naming rules, limits, membership changes. Access checks go through auth.policy."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.changes import announce, user_changed
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable, not_found
from codemill.models import Project, ProjectMember, User
from codemill.projects import repository as projects
from codemill.projects.schemas import CsvRow, ProjectCreate, ProjectUpdate
from codemill.users import repository as users

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
RESERVED = {"admin", "system", "root", "api", "null", "undefined", "default", "test", "demo"}


def validate_name(name: str) -> str:
    """CodeMie's project naming rules (400 with the reason)."""
    name = name.strip()
    if len(name) < 3:
        raise BadRequest("Project name must be at least 3 characters", details={"field": "name"})
    if len(name) > 100:
        raise BadRequest("Project name cannot exceed 100 characters", details={"field": "name"})
    if not NAME_RE.match(name):
        raise BadRequest(
            "Project name may contain only lowercase letters, digits, '-' and '_', "
            "and must start with a letter or digit",
            details={"field": "name", "value": name},
        )
    if name.lower() in RESERVED:
        raise BadRequest(f"Project name '{name}' is reserved and cannot be used", details={"field": "name"})
    return name


async def list_page(
    session: AsyncSession,
    principal: Principal,
    *,
    search: str | None,
    page: int,
    per_page: int,
    sort_by: str | None,
    descending: bool,
) -> tuple[list[Project], int, dict[str, tuple[int, int]]]:
    """A page of the projects the caller belongs to (all for platform admins), the total, and each one's
    (user, admin) member counts."""
    found, total = await projects.list_projects(
        session,
        member_of=None if policy.is_platform_admin(principal) else principal.user_id,
        search=search,
        page=page,
        per_page=per_page,
        sort_by=sort_by,
        descending=descending,
    )
    return found, total, await projects.member_counts(session, [p.name for p in found])


async def named_like(session: AsyncSession, search: str | None, limit: int) -> list[Project]:
    """Every project whose name matches `search` (for admins' pickers)."""
    return await projects.names_like(session, search, limit)


async def detail(
    session: AsyncSession, principal: Principal, name: str
) -> tuple[Project, list[ProjectMember], dict[str, User]]:
    """A project the caller may see, its members and their users."""
    project = await visible_project(session, principal, name)
    members = await projects.members(session, name)
    return project, members, await users.get_many(session, [m.user_id for m in members])


async def visible_project(session: AsyncSession, principal: Principal, name: str) -> Project:
    """A project the caller may see, or 404."""
    policy.ensure_project_visible(principal, name)
    project = await projects.get(session, name)
    if project is None:
        raise NotFound("Project not found", details={"project": name})
    return project


async def manageable_project(session: AsyncSession, principal: Principal, name: str) -> Project:
    """A project the caller may manage (404 outsiders, 403 plain members)."""
    project = await visible_project(session, principal, name)
    policy.ensure_project_manageable(principal, name)
    return project


async def create(session: AsyncSession, principal: Principal, body: ProjectCreate) -> Project:
    """A new shared project; the creator becomes its admin."""
    name = validate_name(body.name)
    if not policy.is_platform_admin(principal) and principal.project_limit is not None:
        count = await projects.count_created_shared(session, principal.user_id)
        if count >= principal.project_limit:
            raise Forbidden(
                f"Project creation limit reached ({count}/{principal.project_limit}). "
                "Contact administrator to increase your limit."
            )
    if await projects.get_case_insensitive(session, name) is not None:
        raise Conflict(f"Project '{name}' already exists. Please choose a different name.")
    project = Project(
        name=name,
        display_name=body.display_name,
        description=(body.description or "").strip() or None,
        project_type="shared",
        created_by=principal.user_id,
    )
    session.add(project)
    await session.flush()
    session.add(ProjectMember(project_name=name, user_id=principal.user_id, is_project_admin=True))
    await session.flush()
    await user_changed(session, principal.user_id)
    return project


async def update(session: AsyncSession, principal: Principal, name: str, body: ProjectUpdate) -> Project:
    """Rename or describe a project (project admins)."""
    project = await manageable_project(session, principal, name)
    if project.project_type == "personal" and body.name and body.name != name:
        raise Forbidden("Cannot rename a personal project")
    fields = body.model_fields_set
    if "display_name" in fields:
        project.display_name = body.display_name
    if body.clear_description:
        project.description = None
    elif "description" in fields:
        project.description = (body.description or "").strip() or None
    if body.name is not None and body.name != name:
        new_name = validate_name(body.name)
        members = await projects.members(session, name)
        if any(m.user_id != project.created_by for m in members):
            raise Conflict("Project name cannot be changed while users are assigned to it")
        if await projects.get_case_insensitive(session, new_name) is not None:
            raise Conflict(f"Project '{new_name}' already exists. Please choose a different name.")
        project.name = new_name
        for member in members:
            await user_changed(session, member.user_id)
    await session.flush()
    return project


async def delete(session: AsyncSession, principal: Principal, name: str) -> None:
    """Delete an empty shared project (project admins)."""
    project = await manageable_project(session, principal, name)
    if project.project_type == "personal":
        raise Forbidden("Cannot delete a personal project")
    members = await projects.members(session, name)
    if any(m.user_id != project.created_by for m in members):
        raise Conflict(f"Project '{name}' cannot be deleted because it has assigned users. Remove all users first.")
    for member in members:
        await user_changed(session, member.user_id)
    await session.delete(project)
    await session.flush()


async def _shared_for_membership(session: AsyncSession, principal: Principal, name: str) -> Project:
    project = await manageable_project(session, principal, name)
    if project.project_type == "personal":
        raise Forbidden("Cannot modify membership of a personal project")
    return project


async def assign(session: AsyncSession, principal: Principal, name: str, user_id: str, is_admin: bool) -> ProjectMember:
    """Add a user to the project; assigning a member again sets their role (idempotent, as CodeMie)."""
    await _shared_for_membership(session, principal, name)
    if await users.get(session, user_id) is None:
        raise not_found("User", user_id)
    member = await projects.membership(session, name, user_id)
    if member is None:
        member = ProjectMember(project_name=name, user_id=user_id, is_project_admin=is_admin)
        session.add(member)
    member.is_project_admin = is_admin
    await session.flush()
    await user_changed(session, user_id)
    return member


async def set_role(
    session: AsyncSession, principal: Principal, name: str, user_id: str, is_admin: bool
) -> ProjectMember:
    """Change a member's project-admin flag."""
    await _shared_for_membership(session, principal, name)
    member = await projects.membership(session, name, user_id)
    if member is None:
        raise NotFound("User is not assigned to this project")
    member.is_project_admin = is_admin
    await session.flush()
    await user_changed(session, user_id)
    return member


async def remove(session: AsyncSession, principal: Principal, name: str, user_id: str) -> None:
    """Remove a member (never the creator)."""
    project = await _shared_for_membership(session, principal, name)
    member = await projects.membership(session, name, user_id)
    if member is None:
        raise NotFound("User is not assigned to this project")
    if user_id == project.created_by:
        raise BadRequest("Cannot remove the project creator from the project")
    await session.delete(member)
    await session.flush()
    await user_changed(session, user_id)


async def bulk_assign(
    session: AsyncSession, principal: Principal, name: str, entries: list[tuple[str, bool]]
) -> list[tuple[str, str, bool]]:
    """Upsert many memberships at once, all or nothing: (user_id, action, is_admin) per entry."""
    await _shared_for_membership(session, principal, name)
    ids = [uid for uid, _ in entries]
    if len(set(ids)) != len(ids):
        raise BadRequest("Duplicate user IDs in request")
    for uid in ids:
        if await users.get(session, uid) is None:
            raise NotFound("One or more users not found", details={"user_id": uid})
    results: list[tuple[str, str, bool]] = []
    for uid, is_admin in entries:
        member = await projects.membership(session, name, uid)
        if member is None:
            session.add(ProjectMember(project_name=name, user_id=uid, is_project_admin=is_admin))
            results.append((uid, "assigned", is_admin))
        else:
            member.is_project_admin = is_admin
            results.append((uid, "updated", is_admin))
        await user_changed(session, uid)
    await session.flush()
    return results


async def bulk_remove(session: AsyncSession, principal: Principal, name: str, user_ids: list[str]) -> list[str]:
    """Remove many members at once (never the creator), all or nothing."""
    project = await _shared_for_membership(session, principal, name)
    if project.created_by in user_ids:
        raise BadRequest("Cannot remove the project creator from the project")
    for uid in user_ids:
        if await projects.membership(session, name, uid) is None:
            raise NotFound("User is not assigned to this project", details={"user_id": uid})
    await projects.remove_members(session, name, user_ids)
    for uid in user_ids:
        await user_changed(session, uid)
    return user_ids


async def transfer_ownership(session: AsyncSession, principal: Principal, name: str, user_id: str) -> Project:
    """Make another member the project's owner (and admin)."""
    project = await _shared_for_membership(session, principal, name)
    member = await projects.membership(session, name, user_id)
    if member is None:
        raise NotFound("User is not assigned to this project")
    member.is_project_admin = True
    project.created_by = user_id
    await session.flush()
    await announce(session, f"user:{user_id}")
    return project


async def csv_rows(session: AsyncSession, data: bytes) -> list[tuple[CsvRow, str | None]]:
    """An import CSV (header: email,role): each row with its error, if any, and the user it names."""
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        if not reader.fieldnames or not {"email", "role"} <= {f.strip().lower() for f in reader.fieldnames}:
            raise Unprocessable("CSV must have a header row with 'email' and 'role' columns")
        rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]
    except UnicodeDecodeError as exc:
        raise Unprocessable("CSV must be UTF-8 text") from exc
    out: list[tuple[CsvRow, str | None]] = []
    for row in rows:
        email, role = row.get("email", ""), row.get("role", "").lower()
        user = await users.get_by_email(session, email) if email else None
        error = None
        if role not in ("administrator", "user"):
            error = "role must be 'administrator' or 'user'"
        elif user is None:
            error = "no user with this email"
        out.append((CsvRow(email=email, role=role, error=error), user.id if user else None))
    return out
