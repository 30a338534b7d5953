"""Projects as the API returns them (the CodeMie SDK's project models): the one place that builds them."""

from __future__ import annotations

from collections.abc import Sequence

from codemill.models import Project, ProjectMember, User
from codemill.projects.schemas import (
    AssignmentOut,
    BulkOut,
    BulkResult,
    Counters,
    MemberOut,
    Pagination,
    ProjectDetailOut,
    ProjectListItem,
    ProjectListOut,
    ProjectOut,
)


def project(row: Project) -> ProjectOut:
    """A project."""
    return ProjectOut(
        name=row.name,
        display_name=row.display_name,
        description=row.description,
        project_type=row.project_type,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def listing(
    found: Sequence[Project],
    counts: dict[str, tuple[int, int]],
    total: int,
    page: int,
    per_page: int,
    include_counters: bool,
) -> ProjectListOut:
    """A page of projects with their (user, admin) member counts."""
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


def member(row: ProjectMember, user: User | None) -> MemberOut:
    """A member, with who they are when the user still exists."""
    return MemberOut(
        user_id=row.user_id,
        is_project_admin=row.is_project_admin,
        date=row.created_at,
        name=(user.name or user.username) if user else None,
        email=user.email if user else None,
    )


def detail(row: Project, members: Sequence[ProjectMember], people: dict[str, User]) -> ProjectDetailOut:
    """A project with its members."""
    return ProjectDetailOut(
        name=row.name,
        display_name=row.display_name,
        description=row.description,
        project_type=row.project_type,
        created_by=row.created_by,
        user_count=len(members),
        admin_count=sum(1 for m in members if m.is_project_admin),
        created_at=row.created_at,
        members=[member(m, people.get(m.user_id)) for m in members],
    )


def assignment(message: str, project_name: str, user_id: str, is_project_admin: bool | None = None) -> AssignmentOut:
    """A membership change."""
    return AssignmentOut(message=message, user_id=user_id, project_name=project_name, is_project_admin=is_project_admin)


def bulk(message: str, project_name: str, results: Sequence[tuple[str, str, bool | None]]) -> BulkOut:
    """Many membership changes: (user_id, action, is_project_admin) each."""
    return BulkOut(
        message=message,
        project_name=project_name,
        total=len(results),
        results=[BulkResult(user_id=u, action=a, is_project_admin=adm) for u, a, adm in results],
    )
