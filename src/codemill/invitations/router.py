"""Invitations (admins make them; the invited accept them without signing in) and self-registration."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request

from codemill.audit import service as audit
from codemill.auth import policy
from codemill.auth.dependencies import AppAuthenticator, AppSettings, CurrentPrincipal, Session
from codemill.auth.passwords import password_policy
from codemill.auth.service import Authenticator
from codemill.invitations import service
from codemill.invitations.schemas import (
    AuthOptions,
    InvitationCreate,
    InvitationOut,
    InvitationStatus,
    PasswordIn,
    RegisterIn,
    SignInOut,
)
from codemill.models import User
from codemill.settings import Settings
from codemill.users import service as user_service

admin_router = APIRouter(prefix="/v1/admin/users", tags=["admin"])
router = APIRouter(prefix="/v1/auth", tags=["auth"])


def _base_url(settings: Settings, request: Request) -> str:
    return (settings.public_url or str(request.base_url)).rstrip("/")


async def _signed_in(session: Session, authenticator: Authenticator, settings: Settings, user: User) -> SignInOut:
    token, _ = await authenticator.issue(user)
    user_out = await user_service.detail(session, user)
    return SignInOut(access_token=token, expires_in=settings.local_auth.token_ttl_seconds, user=user_out)


@admin_router.post("/invitations", response_model=InvitationOut)
async def create_invitation(
    body: InvitationCreate, request: Request, session: Session, principal: CurrentPrincipal, settings: AppSettings
) -> InvitationOut:
    """Invite a user (platform admins): mailed when an Email integration is set up, else the link is returned."""
    policy.require_admin(principal)
    made = await service.invite(session, principal, body, settings.users.invitation_ttl_hours)
    base = _base_url(settings, request)
    link = f"{base}/invite/{made.token}"
    sender = f"codemill@{urlsplit(base).hostname or 'localhost'}"
    configured, sent, problem = await service.mail_invitation(session, principal, made, link, settings, sender)
    await audit.record(
        session,
        principal,
        audit.Domain.USER_MANAGEMENT,
        "user_invited",
        entity_type="user",
        entity_id=made.user.id,
        attributes={"email": made.user.email, "email_sent": sent, "projects": [p.project_name for p in body.projects]},
    )
    if sent:
        message = f"Invitation sent to {made.user.email}"
    elif problem:
        message = problem
    else:
        message = "Mail is not configured: pass this one-time link on to the invited user"
    return InvitationOut(
        message=message,
        user_id=made.user.id,
        email=made.user.email,
        expires_at=made.invitation.expires_at,
        email_sent=sent,
        mail_configured=configured,
        invite_url=None if sent else link,
    )


@router.get("/options", response_model=AuthOptions)
async def auth_options(settings: AppSettings) -> AuthOptions:
    """What the sign-in page offers (public)."""
    return AuthOptions(
        local_auth=settings.local_auth.enabled,
        self_registration=settings.users.self_registration and settings.local_auth.enabled,
    )


@router.get("/invitations/{token}", response_model=InvitationStatus)
async def invitation_status(token: str, session: Session) -> InvitationStatus:
    """Whether an invitation link still works, and for which email (public: the token is the credential)."""
    try:
        invitation, user = await service.open_invitation(session, token)
    except service.InvitationGone as gone:
        return InvitationStatus(valid=False, message=gone.message)
    return InvitationStatus(
        valid=True, email=user.email, name=user.name, expires_at=invitation.expires_at, message="Choose a password"
    )


@router.post("/invitations/{token}/accept", response_model=SignInOut)
async def accept_invitation(
    token: str, body: PasswordIn, session: Session, settings: AppSettings, authenticator: AppAuthenticator
) -> SignInOut:
    """Set the password of an invited user, activate them, burn the link, and sign them in (public)."""
    user = await service.accept(session, token, body.password, password_policy(settings.login))
    actor = user_service.principal_of(user, [])
    await audit.record(
        session, actor, audit.Domain.USER_MANAGEMENT, "invitation_accepted", entity_type="user", entity_id=user.id
    )
    return await _signed_in(session, authenticator, settings, user)


@router.post("/register", response_model=SignInOut)
async def register(
    body: RegisterIn, session: Session, settings: AppSettings, authenticator: AppAuthenticator
) -> SignInOut:
    """Create an account (only when self-registration is on) and sign in."""
    user = await service.register(
        session,
        settings,
        email=body.email,
        name=body.name,
        password=body.password,
        policy=password_policy(settings.login),
    )
    actor = user_service.principal_of(user, [])
    await audit.record(
        session,
        actor,
        audit.Domain.USER_MANAGEMENT,
        "user_registered",
        entity_type="user",
        entity_id=user.id,
        attributes={"email": user.email},
    )
    return await _signed_in(session, authenticator, settings, user)
