"""/v1/local-auth: login, logout, change password (as the CodeMie SDK's local-auth client calls them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from codemill.auth.dependencies import AppAuthenticator, AppSettings, CurrentPrincipal, Session
from codemill.auth.passwords import password_policy, verify_password
from codemill.errors import NotFound, Unauthorized
from codemill.kit.api_schemas import MessageOut
from codemill.users import repository as users
from codemill.users import service as user_service
from codemill.users.schemas import LoginOut, PasswordChangedOut, user_detail_out

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
) -> dict[str, Any]:
    """Exchange email and password for an access token."""
    address = request.client.host if request.client else None
    token, user = await authenticator.login(session, body.email, body.password, address)
    rows = (await users.memberships(session, [user.id]))[user.id]
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": settings.local_auth.token_ttl_seconds,
        "user": user_detail_out(user, rows).model_dump(),
    }


@router.post("/logout", response_model=MessageOut)
async def logout(
    request: Request, session: Session, authenticator: AppAuthenticator, _: CurrentPrincipal
) -> dict[str, str]:
    """Revoke the token this request was made with."""
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    await authenticator.logout(session, token)
    return {"message": "Logged out successfully"}


@router.post("/change-password", response_model=PasswordChangedOut)
async def change_password(
    body: ChangePasswordIn,
    authenticator: AppAuthenticator,
    session: Session,
    principal: CurrentPrincipal,
    settings: AppSettings,
) -> dict[str, str]:
    """Change the caller's password; every older token stops working, and a fresh one is returned."""
    user = await users.get(session, principal.user_id)
    if user is None:
        raise NotFound("User not found")
    if not verify_password(user.password_hash, body.current_password):
        raise Unauthorized("Current password is incorrect")
    await user_service.set_password(session, user, body.new_password, password_policy(settings.login))
    token, _ = await authenticator.issue(user)
    return {"message": "Password changed successfully", "access_token": token}
