"""Request and response bodies of invitations, self-registration and the sign-in page's options."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from codemill.users.schemas import UserDetailOut


class InvitedProject(BaseModel):
    """A project the invited user joins (as a member, or as its admin)."""

    model_config = ConfigDict(extra="forbid")

    project_name: str = Field(min_length=1, max_length=200)
    is_project_admin: bool = False


class InvitationCreate(BaseModel):
    """POST /v1/admin/users/invitations."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)
    name: str = Field(default="", max_length=320)
    projects: list[InvitedProject] = Field(default_factory=list, max_length=100)


class InvitationOut(BaseModel):
    """The invitation made: sent by mail, or the link for the admin to pass on."""

    message: str
    user_id: str
    email: str
    expires_at: datetime
    email_sent: bool
    mail_configured: bool
    # Only when the mail was not sent: the one-time link itself (it is never stored, only its hash).
    invite_url: str | None = None


class InvitationStatus(BaseModel):
    """GET /v1/auth/invitations/{token}: whether the link still works, and for whom."""

    valid: bool
    email: str | None = None
    name: str | None = None
    expires_at: datetime | None = None
    message: str


class PasswordIn(BaseModel):
    """The password an invited user chooses."""

    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=1, max_length=1024)


class RegisterIn(BaseModel):
    """POST /v1/auth/register (self-registration)."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)
    name: str = Field(default="", max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class SignInOut(BaseModel):
    """A local sign-in token, as POST /v1/local-auth/login returns it."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105  (the token kind, not a secret)
    expires_in: int
    user: UserDetailOut


class AuthOptions(BaseModel):
    """GET /v1/auth/options: what the sign-in page offers."""

    local_auth: bool
    self_registration: bool
