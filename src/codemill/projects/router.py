"""/v1/projects: projects, members and roles (as the CodeMie SDK's project service calls them)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile

from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.errors import PayloadTooLarge, Unprocessable
from codemill.kit.params import PageNumber
from codemill.projects import service, views
from codemill.projects.schemas import (
    Assignment,
    AssignmentOut,
    AssignmentUpdate,
    BulkAssignment,
    BulkOut,
    CsvRow,
    CsvValidationOut,
    OwnershipIn,
    OwnershipOut,
    ProjectAckOut,
    ProjectCreate,
    ProjectDetailOut,
    ProjectListOut,
    ProjectOut,
    ProjectUpdate,
)

router = APIRouter(prefix="/v1/projects", tags=["projects"])
MAX_CSV_BYTES = 1_048_576


@router.post("", status_code=201, response_model=ProjectOut)
async def create_project(body: ProjectCreate, session: Session, principal: CurrentPrincipal) -> ProjectOut:
    """Create a shared project; the caller becomes its admin."""
    return views.project(await service.create(session, principal, body))


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
    found, total, counts = await service.list_page(
        session,
        principal,
        search=search,
        page=page,
        per_page=per_page,
        sort_by=sort_by,
        descending=sort_order == "desc",
    )
    return views.listing(found, counts, total, page, per_page, include_counters)


@router.get("/{project_name}", response_model=ProjectDetailOut)
async def get_project(project_name: str, session: Session, principal: CurrentPrincipal) -> ProjectDetailOut:
    """A project with its members (404 for non-members)."""
    return views.detail(*await service.detail(session, principal, project_name))


@router.patch("/{project_name}", response_model=ProjectOut)
async def update_project(
    project_name: str, body: ProjectUpdate, session: Session, principal: CurrentPrincipal
) -> ProjectOut:
    """Rename or describe a project (project admins)."""
    return views.project(await service.update(session, principal, project_name, body))


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
    return views.assignment(
        "User assigned to project successfully", project_name, member.user_id, member.is_project_admin
    )


@router.put("/{project_name}/assignment/{user_id}", response_model=AssignmentOut)
async def update_assignment(
    project_name: str, user_id: str, body: AssignmentUpdate, session: Session, principal: CurrentPrincipal
) -> AssignmentOut:
    """Change a member's role."""
    member = await service.set_role(session, principal, project_name, user_id, body.is_project_admin)
    return views.assignment("User role updated successfully", project_name, user_id, member.is_project_admin)


@router.delete("/{project_name}/assignment/{user_id}", response_model=AssignmentOut)
async def remove_assignment(
    project_name: str, user_id: str, session: Session, principal: CurrentPrincipal
) -> AssignmentOut:
    """Remove a member."""
    await service.remove(session, principal, project_name, user_id)
    return views.assignment("User removed from project successfully", project_name, user_id)


@router.post("/{project_name}/assignments", response_model=BulkOut)
async def bulk_assign(
    project_name: str, body: BulkAssignment, session: Session, principal: CurrentPrincipal
) -> BulkOut:
    """Assign or update many members at once."""
    results = await service.bulk_assign(
        session, principal, project_name, [(u.user_id, u.is_project_admin) for u in body.users]
    )
    return views.bulk(f"Bulk assignment completed: {len(results)} users processed", project_name, results)


@router.delete("/{project_name}/assignments", response_model=BulkOut)
async def bulk_remove(
    project_name: str,
    session: Session,
    principal: CurrentPrincipal,
    user_id: Annotated[list[str], Query(min_length=1, max_length=100)],
) -> BulkOut:
    """Remove many members at once."""
    removed = await service.bulk_remove(session, principal, project_name, user_id)
    return views.bulk(
        f"Bulk removal completed: {len(removed)} users removed", project_name, [(u, "removed", None) for u in removed]
    )


async def _csv_rows(session: Session, file: UploadFile) -> list[tuple[CsvRow, str | None]]:
    data = await file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise PayloadTooLarge("File too large", help=f"The limit is {MAX_CSV_BYTES} bytes.")
    return await service.csv_rows(session, data)


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
    return views.bulk(f"CSV import completed: {len(results)} users processed", project_name, results)
