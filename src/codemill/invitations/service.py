"""Invitations: an inactive user without a password plus a one-time token (only its hash is stored)."""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.changes import user_changed
from codemill.auth.passwords import PasswordPolicy, hash_password
from codemill.auth.principal import Principal
from codemill.errors import Conflict, Forbidden, NotFound
from codemill.invitations import mail
from codemill.invitations.schemas import InvitationCreate
from codemill.models import Invitation, User
from codemill.models.base import utcnow
from codemill.settings import Settings
from codemill.users import admin_service
from codemill.users import repository as users
from codemill.users import service as user_service

log = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    """The stored form of an invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Made:
    """An invitation just made, with its token in clear (returned once, never stored)."""

    user: User
    invitation: Invitation
    token: str


async def invite(session: AsyncSession, principal: Principal, body: InvitationCreate, ttl_hours: int) -> Made:
    """Create the invited user (or renew the invitation of one who has not accepted yet)."""
    email = user_service.validate_email(body.email)
    user = await users.get_by_email(session, email)
    if user is None:
        user = await user_service.create_user(session, email=email, name=body.name)
        user.is_active = False
    elif user.is_active or user.password_hash is not None or user.auth_source != "local":
        raise Conflict("A user with this email already exists", details={"field": "email"})
    elif body.name:
        user.name = body.name
    for grant in body.projects:
        await admin_service.assign(session, user, grant.project_name, grant.is_project_admin)
    now = utcnow()
    for old in await users.open_invitations_of(session, user.id):
        old.used_at = now  # a new link replaces the earlier ones
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        user_id=user.id,
        token_hash=token_hash(token),
        created_by=principal.user_id,
        created_at=now,
        expires_at=now + timedelta(hours=ttl_hours),
    )
    session.add(invitation)
    await session.flush()
    await user_changed(session, user.id)
    return Made(user, invitation, token)


async def open_invitation(session: AsyncSession, token: str, *, for_update: bool = False) -> tuple[Invitation, User]:
    """The usable invitation of a token and its user; 404 when unknown, used or expired (one message)."""
    invitation = await users.invitation_by_hash(session, token_hash(token), for_update=for_update)
    user = await users.get(session, invitation.user_id) if invitation is not None else None
    if invitation is None or user is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        raise InvitationGone()
    return invitation, user


class InvitationGone(NotFound):
    """The link is unknown, already used or expired."""

    def __init__(self) -> None:
        super().__init__(
            "This invitation link is invalid, used or expired",
            help="Ask an administrator for a new invitation.",
        )


async def accept(session: AsyncSession, token: str, password: str, policy: PasswordPolicy) -> User:
    """Set the password under the policy, activate the user, burn the token."""
    invitation, user = await open_invitation(session, token, for_update=True)
    user_service.validate_password(password, policy)
    user.password_hash = hash_password(password)
    user.is_active = True
    user.tokens_valid_after = utcnow()
    invitation.used_at = utcnow()
    await session.flush()
    await user_changed(session, user.id)
    return user


async def register(
    session: AsyncSession, settings: Settings, *, email: str, name: str, password: str, policy: PasswordPolicy
) -> User:
    """Self-registration: an active user with their personal project (403 unless the setting is on)."""
    if not settings.users.self_registration or not settings.local_auth.enabled:
        raise Forbidden(
            "Self-registration is disabled",
            details="This Codemill does not let people create their own accounts.",
            help="Ask an administrator for an invitation.",
        )
    return await user_service.create_user(session, email=email, name=name, password=password, password_policy=policy)


async def mail_invitation(
    session: AsyncSession, principal: Principal, made: Made, link: str, settings: Settings, default_sender: str
) -> tuple[bool, bool, str | None]:
    """(configured, sent, problem): mail the link through the admins' Email integration when there is one."""
    integration = await mail.mail_integration(session, principal.user_id)
    if integration is None:
        return False, False, None
    smtp = await mail.smtp_of(session, integration, settings.users.mail_from or default_sender)
    try:
        await mail.send_invitation(
            smtp,
            to=made.user.email,
            name=made.user.name,
            link=link,
            inviter=principal.name or principal.email,
            ttl_hours=settings.users.invitation_ttl_hours,
        )
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("invitation mail through %r failed: %s", smtp, type(exc).__name__)
        return True, False, f"The mail could not be sent ({type(exc).__name__}); pass the link on yourself."
    return True, True, None
