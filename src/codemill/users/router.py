"""/v1/user: the caller's profile and UI preferences."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.users import service as user_service
from codemill.users.schemas import UserDataOut, UserOut, user_data_out, user_out

router = APIRouter(prefix="/v1", tags=["user"])


class UserDataIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sidebar_view: str | None = Field(default=None, max_length=32)


@router.get("/user", response_model=UserOut)
@router.get("/profile", response_model=UserOut)  # CodeMie's alias of /v1/user
async def about_me(principal: CurrentPrincipal) -> UserOut:
    """Who am I: profile, projects, roles."""
    return user_out(principal)


@router.get("/profile", response_model=UserOut, include_in_schema=False)
async def profile(principal: CurrentPrincipal) -> UserOut:
    """Alias of /v1/user (CodeMie serves both)."""
    return user_out(principal)


@router.get("/user/data", response_model=UserDataOut)
async def get_user_data(session: Session, principal: CurrentPrincipal) -> UserDataOut:
    """The caller's UI preferences."""
    return user_data_out(await user_service.caller(session, principal))


@router.put("/user/data", response_model=UserDataOut)
async def put_user_data(body: UserDataIn, session: Session, principal: CurrentPrincipal) -> UserDataOut:
    """Update the caller's UI preferences."""
    user = await user_service.set_preferences(session, principal, body.model_dump(exclude_none=True))
    return user_data_out(user)
