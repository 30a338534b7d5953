"""/v1/projects: projects, members and roles (as the CodeMie SDK's project service calls them)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile

from codemill.auth import policy
from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.errors import PayloadTooLarge, Unprocessable
from codemill.kit.params import PageNumber
from codemill.models import Project, ProjectMember, User
from codemill.projects import repository as projects
from codemill.projects import service
from codemill.projects.schemas import (
    Assignment,
    AssignmentOut,
    AssignmentUpdate,
    BulkAssignment,
    BulkOut,
    BulkResult,
    Counters,
    CsvRow,
    CsvValidationOut,
    MemberOut,
    OwnershipIn,
    OwnershipOut,
    Pagination,
    ProjectAckOut,
    ProjectCreate,
    ProjectDetailOut,
    ProjectListItem,
    ProjectListOut,
    ProjectOut,
    ProjectUpdate,
)
from codemill.users import repository as users

router = APIRouter(prefix="/v1/projects", tags=["projects"])
MAX_CSV_BYTES = 1_048_576


def project_out(project: Project) -> ProjectOut:
    return ProjectOut(
        name=project.name,
        display_name=project.display_name,
        description=project.description,
        project_type=project.project_type,
        created_by=project.created_by,
        created_at=project.created_at,
    )


@router.post("", status_code=201, response_model=ProjectOut)
async def create_project(body: ProjectCreate, session: Session, principal: CurrentPrincipal) -> ProjectOut:
    """Create a shared project; the caller becomes its admin."""
    return project_out(await service.create(session, principal, body))


@router.get("", response_model=ProjectListOut)
async def list_projects(
    session: Session,
    principal: CurrentPrincipal,
    page: PageNumber = 0,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
    search: Annotated[str | None, Query(max_length=200)] = None,
    include_counters: bool = True,
    sort_by: Literal["name", "created_at"] | None = None,
    sort_order: Literal["asc", "desc"] = "asc",
) -> ProjectListOut:
    """The projects the caller belongs to (all of them for platform admins)."""
    found, total = await projects.list_projects(
        session,
        member_of=None if policy.is_platform_admin(principal) else principal.user_id,
        search=search,
        page=page,
        per_page=per_page,
        sort_by=sort_by,
        descending=sort_order == "desc",
    )
    counts = await projects.member_counts(session, [p.name for p in found])
    items = [
        ProjectListItem(
            name=p.name,
            display_name=p.display_name,
            description=p.description,
            project_type=p.project_type,
            created_by=p.created_by,
            user_count=counts[p.name][0],
            admin_count=counts[p.name][1],
            created_at=p.created_at,
            counters=Counters() if include_counters else None,
        )
        for p in found
    ]
    return ProjectListOut(data=items, pagination=Pagination(total=total, page=page, per_page=per_page))


def _member_out(member: ProjectMember, user: User | None) -> MemberOut:
    return MemberOut(
        user_id=member.user_id,
        is_project_admin=member.is_project_admin,
        date=member.created_at,
        name=(user.name or user.username) if user else None,
        email=user.email if user else None,
    )


@router.get("/{project_name}", response_model=ProjectDetailOut)
async def get_project(project_name: str, session: Session, principal: CurrentPrincipal) -> ProjectDetailOut:
    """A project with its members (404 for non-members)."""
    project = await service.visible_project(session, principal, project_name)
    members = await projects.members(session, project_name)
    people = await users.get_many(session, [m.user_id for m in members])
    return ProjectDetailOut(
        name=project.name,
        display_name=project.display_name,
        description=project.description,
        project_type=project.project_type,
        created_by=project.created_by,
        user_count=len(members),
        admin_count=sum(1 for m in members if m.is_project_admin),
        created_at=project.created_at,
        members=[_member_out(m, people.get(m.user_id)) for m in members],
    )


@router.patch("/{project_name}", response_model=ProjectOut)
async def update_project(
    project_name: str, body: ProjectUpdate, session: Session, principal: CurrentPrincipal
) -> ProjectOut:
    """Rename or describe a project (project admins)."""
    return project_out(await service.update(session, principal, project_name, body))


@router.delete("/{project_name}", response_model=ProjectAckOut)
async def delete_project(project_name: str, session: Session, principal: CurrentPrincipal) -> ProjectAckOut:
    """Delete an empty project (project admins)."""
    await service.delete(session, principal, project_name)
    return ProjectAckOut(message=f"Project '{project_name}' deleted successfully", name=project_name)


@router.put("/{project_name}/ownership", response_model=OwnershipOut)
async def transfer_ownership(
    project_name: str, body: OwnershipIn, session: Session, principal: CurrentPrincipal
) -> OwnershipOut:
    """Hand the project to another member."""
    project = await service.transfer_ownership(session, principal, project_name, body.user_id)
    return OwnershipOut(message="Project ownership transferred", name=project.name, created_by=body.user_id)


@router.post("/{project_name}/assignment", response_model=AssignmentOut)
async def assign_user(
    project_name: str, body: Assignment, session: Session, principal: CurrentPrincipal
) -> AssignmentOut:
    """Add a user to the project."""
    member = await service.assign(session, principal, project_name, body.user_id, body.is_project_admin)
    return AssignmentOut(
        message="User assigned to project successfully",
        user_id=member.user_id,
        project_name=project_name,
        is_project_admin=member.is_project_admin,
    )


@router.put("/{project_name}/assignment/{user_id}", response_model=AssignmentOut)
async def update_assignment(
    project_name: str, user_id: str, body: AssignmentUpdate, session: Session, principal: CurrentPrincipal
) -> AssignmentOut:
    """Change a member's role."""
    member = await service.set_role(session, principal, project_name, user_id, body.is_project_admin)
    return AssignmentOut(
        message="User role updated successfully",
        user_id=user_id,
        project_name=project_name,
        is_project_admin=member.is_project_admin,
    )


@router.delete("/{project_name}/assignment/{user_id}", response_model=AssignmentOut)
async def remove_assignment(
    project_name: str, user_id: str, session: Session, principal: CurrentPrincipal
) -> AssignmentOut:
    """Remove a member."""
    await service.remove(session, principal, project_name, user_id)
    return AssignmentOut(message="User removed from project successfully", user_id=user_id, project_name=project_name)


@router.post("/{project_name}/assignments", response_model=BulkOut)
async def bulk_assign(
    project_name: str, body: BulkAssignment, session: Session, principal: CurrentPrincipal
) -> BulkOut:
    """Assign or update many members at once."""
    results = await service.bulk_assign(
        session, principal, project_name, [(u.user_id, u.is_project_admin) for u in body.users]
    )
    return BulkOut(
        message=f"Bulk assignment completed: {len(results)} users processed",
        project_name=project_name,
        total=len(results),
        results=[BulkResult(user_id=u, action=a, is_project_admin=adm) for u, a, adm in results],
    )


@router.delete("/{project_name}/assignments", response_model=BulkOut)
async def bulk_remove(
    project_name: str,
    session: Session,
    principal: CurrentPrincipal,
    user_id: Annotated[list[str], Query(min_length=1, max_length=100)],
) -> BulkOut:
    """Remove many members at once."""
    removed = await service.bulk_remove(session, principal, project_name, user_id)
    return BulkOut(
        message=f"Bulk removal completed: {len(removed)} users removed",
        project_name=project_name,
        total=len(removed),
        results=[BulkResult(user_id=u, action="removed") for u in removed],
    )


async def _csv_rows(session: Session, file: UploadFile) -> list[tuple[CsvRow, str | None]]:
    data = await file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise PayloadTooLarge("File too large", help=f"The limit is {MAX_CSV_BYTES} bytes.")
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


@router.post("/{project_name}/import-users/validate", response_model=CsvValidationOut)
async def validate_import(
    project_name: str, session: Session, principal: CurrentPrincipal, file: Annotated[UploadFile, File()]
) -> CsvValidationOut:
    """Dry-run a CSV import (header: email,role)."""
    await service.manageable_project(session, principal, project_name)
    return CsvValidationOut(users=[row for row, _ in await _csv_rows(session, file)])


@router.post("/{project_name}/import-users", response_model=BulkOut)
async def import_users(
    project_name: str, session: Session, principal: CurrentPrincipal, file: Annotated[UploadFile, File()]
) -> BulkOut:
    """Assign users from a CSV (header: email,role), all or nothing."""
    await service.manageable_project(session, principal, project_name)
    rows = await _csv_rows(session, file)
    errors = [row.model_dump() for row, _ in rows if row.error]
    if errors or not rows:
        raise Unprocessable("CSV import has invalid rows" if rows else "CSV has no rows", details=errors)
    entries = [(uid, row.role == "administrator") for row, uid in rows if uid]
    results = await service.bulk_assign(session, principal, project_name, entries)
    return BulkOut(
        message=f"CSV import completed: {len(results)} users processed",
        project_name=project_name,
        total=len(results),
        results=[BulkResult(user_id=u, action=a, is_project_admin=adm) for u, a, adm in results],
    )
