"""/v1/user: the caller's profile and UI preferences."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.errors import NotFound
from codemill.users import repository as users
from codemill.users.schemas import UserDataOut, UserOut, user_out

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


async def _user_data(session: Session, principal: CurrentPrincipal) -> dict[str, Any]:
    user = await users.get(session, principal.user_id)
    if user is None:
        raise NotFound("User not found")
    prefs = {"sidebar_view": "flat", **(user.preferences or {})}
    return {
        "id": user.id,
        "user_id": user.id,
        "date": user.created_at.isoformat(),
        "update_date": user.updated_at.isoformat(),
        "stt_support": False,
        **prefs,
    }


@router.get("/user/data", response_model=UserDataOut)
async def get_user_data(session: Session, principal: CurrentPrincipal) -> dict[str, Any]:
    """The caller's UI preferences."""
    return await _user_data(session, principal)


@router.put("/user/data", response_model=UserDataOut)
async def put_user_data(body: UserDataIn, session: Session, principal: CurrentPrincipal) -> dict[str, Any]:
    """Update the caller's UI preferences."""
    user = await users.get(session, principal.user_id)
    if user is None:
        raise NotFound("User not found")
    user.preferences = {**(user.preferences or {}), **body.model_dump(exclude_none=True)}
    await session.flush()
    return await _user_data(session, principal)
