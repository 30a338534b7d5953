"""/v1/local-auth: login, logout, change password (as the CodeMie SDK's local-auth client calls them)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from codemill.auth.dependencies import AppAuthenticator, AppSettings, CurrentPrincipal, Session
from codemill.auth.passwords import password_policy
from codemill.kit.api_schemas import MessageOut
from codemill.users import service as user_service
from codemill.users.schemas import LoginOut, PasswordChangedOut

router = APIRouter(prefix="/v1/local-auth", tags=["auth"])


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class ChangePasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


@router.post("/login", response_model=LoginOut)
async def login(
    body: LoginIn, request: Request, session: Session, authenticator: AppAuthenticator, settings: AppSettings
) -> LoginOut:
    """Exchange email and password for an access token."""
    address = request.client.host if request.client else None
    token, user = await authenticator.login(session, body.email, body.password, address)
    return LoginOut(
        access_token=token,
        token_type="bearer",  # noqa: S106 - the OAuth token type, not a secret
        expires_in=settings.local_auth.token_ttl_seconds,
        user=await user_service.detail(session, user),
    )


@router.post("/logout", response_model=MessageOut)
async def logout(
    request: Request, session: Session, authenticator: AppAuthenticator, _: CurrentPrincipal
) -> MessageOut:
    """Revoke the token this request was made with."""
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    await authenticator.logout(session, token)
    return MessageOut(message="Logged out successfully")


@router.post("/change-password", response_model=PasswordChangedOut)
async def change_password(
    body: ChangePasswordIn,
    authenticator: AppAuthenticator,
    session: Session,
    principal: CurrentPrincipal,
    settings: AppSettings,
) -> PasswordChangedOut:
    """Change the caller's password; every older token stops working, and a fresh one is returned."""
    policy = password_policy(settings.login)
    user = await user_service.change_password(session, principal, body.current_password, body.new_password, policy)
    token, _ = await authenticator.issue(user)
    return PasswordChangedOut(message="Password changed successfully", access_token=token)
