"""API models for users (snake_case, as CodeMie returns them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from codemill.auth.principal import Principal
from codemill.kit.api_schemas import MessageOut, OpenOut
from codemill.kit.api_schemas import Pagination as Pagination
from codemill.kit.params import INT32_MAX
from codemill.models import Project, ProjectMember, User


class Strict(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ProjectInfo(BaseModel):
    name: str
    display_name: str | None = None
    is_project_admin: bool = False
    is_default: bool = False


class UserOut(BaseModel):
    """GET /v1/user."""

    user_id: str
    name: str
    username: str
    email: str
    projects: list[ProjectInfo]
    project_limit: int | None
    picture: str
    knowledge_bases: list[str]
    user_type: str
    applications: list[str]
    applications_admin: list[str]
    is_admin: bool
    is_maintainer: bool
    is_auditor: bool = False


class UserDetailOut(BaseModel):
    """CodeMie's CodeMieUserDetail: admin views and the login response."""

    id: str
    username: str
    email: str
    name: str | None
    picture: str | None
    user_type: str
    is_active: bool
    is_admin: bool
    is_maintainer: bool
    is_auditor: bool = False
    auth_source: str
    email_verified: bool
    last_login_at: str | None
    projects: list[ProjectInfo]
    project_limit: int | None
    knowledge_bases: list[str]
    date: str | None
    update_date: str | None
    deleted_at: str | None = None


class UserListOut(BaseModel):
    data: list[UserDetailOut]
    pagination: Pagination


class UserCreate(Strict):
    email: str = Field(max_length=320)
    username: str | None = Field(default=None, min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)
    name: str | None = Field(default=None, max_length=320)
    is_admin: bool = False
    is_maintainer: bool = False
    project_limit: int | None = Field(default=None, ge=0, le=INT32_MAX)


class UserUpdate(Strict):
    name: str | None = Field(default=None, max_length=320)
    picture: str | None = Field(default=None, max_length=4096)
    email: str | None = Field(default=None, max_length=320)
    user_type: str | None = None
    is_admin: bool | None = None
    is_maintainer: bool | None = None
    is_active: bool | None = None
    project_limit: int | None = Field(default=None, ge=0, le=INT32_MAX)


class PasswordSet(Strict):
    new_password: str = Field(min_length=1, max_length=1024)


class UserProjectGrant(Strict):
    project_name: str = Field(min_length=1, max_length=200)
    is_project_admin: bool = False


class UserProjectRole(Strict):
    is_project_admin: bool


class UserProjectOut(BaseModel):
    project_name: str
    is_project_admin: bool
    is_default: bool
    date: str | None


class UserProjectsOut(BaseModel):
    projects: list[UserProjectOut]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def user_out(principal: Principal) -> UserOut:
    """The about-me view of a principal."""
    return UserOut(
        user_id=principal.user_id,
        name=principal.name,
        username=principal.username,
        email=principal.email,
        projects=[
            ProjectInfo(
                name=name,
                display_name=principal.display_names.get(name),
                is_project_admin=admin,
                is_default=name == (principal.default_project or principal.personal_project),
            )
            for name, admin in sorted(principal.projects.items())
        ],
        project_limit=principal.project_limit,
        picture=principal.picture,
        knowledge_bases=[],
        user_type="regular",
        applications=principal.project_names,
        applications_admin=principal.admin_project_names,
        is_admin=principal.is_admin,
        is_maintainer=principal.is_maintainer,
    )


def user_detail_out(user: User, rows: list[tuple[ProjectMember, Project]]) -> UserDetailOut:
    """The admin view of a user (with no stored default, the personal project is reported as the default)."""
    stored = any(m.is_default for m, _ in rows)
    return UserDetailOut(
        id=user.id,
        username=user.username,
        email=user.email,
        name=user.name or None,
        picture=user.picture or None,
        user_type="regular",
        is_active=user.is_active,
        is_admin=user.is_admin,
        is_maintainer=user.is_maintainer,
        auth_source=user.auth_source,
        email_verified=user.auth_source != "local" or user.password_hash is not None,
        last_login_at=_iso(user.last_login_at),
        projects=[
            ProjectInfo(
                name=m.project_name,
                display_name=p.display_name,
                is_project_admin=m.is_project_admin,
                is_default=m.is_default or (not stored and p.project_type == "personal" and p.created_by == user.id),
            )
            for m, p in rows
        ],
        project_limit=user.project_limit,
        knowledge_bases=[],
        date=_iso(user.created_at),
        update_date=_iso(user.updated_at),
        deleted_at=None if user.is_active else _iso(user.updated_at),
    )


def user_project_out(member: ProjectMember) -> UserProjectOut:
    """One membership in the admin view."""
    return UserProjectOut(
        project_name=member.project_name,
        is_project_admin=member.is_project_admin,
        is_default=member.is_default,
        date=_iso(member.created_at),
    )


# Acknowledgements and the caller's own data.
class UserChangedOut(MessageOut):
    user_id: str


class UserProjectChangedOut(MessageOut):
    """A grant or role change, with the membership as it now is."""

    project_name: str
    is_project_admin: bool
    is_default: bool
    date: str | None


def user_project_changed_out(message: str, member: ProjectMember) -> UserProjectChangedOut:
    """A grant or role change: the message, then the membership as it now is."""
    return UserProjectChangedOut(message=message, **user_project_out(member).model_dump())


class UserProjectAckOut(MessageOut):
    user_id: str
    project_name: str


class LoginOut(BaseModel):
    access_token: str
    token_type: str
    expires_in: int
    user: UserDetailOut


class PasswordChangedOut(MessageOut):
    access_token: str


class UserDataOut(OpenOut):
    """The caller's UI preferences: these fields plus whatever preferences the UI stored (free-form)."""

    id: str
    user_id: str
    date: str
    update_date: str
    stt_support: bool
    sidebar_view: str


def user_data_out(user: User) -> UserDataOut:
    """The caller's own data: these fields, then the stored UI preferences (a stored key wins, as it always has)."""
    prefs = {"sidebar_view": "flat", **(user.preferences or {})}
    return UserDataOut.model_validate(
        {
            "id": user.id,
            "user_id": user.id,
            "date": user.created_at.isoformat(),
            "update_date": user.updated_at.isoformat(),
            "stt_support": False,
            **prefs,
        }
    )
