"""GET /v1/user/reactions: what the caller liked or disliked, assistants and skills, newest first (the queries
live in each domain's repository)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import marketplace_repository
from codemill.auth import policy
from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.auth.principal import Principal
from codemill.errors import BadRequest
from codemill.skills import repository

router = APIRouter(prefix="/v1", tags=["users"])


class ReactedResource(StrEnum):
    """Which reactions to list."""

    ASSISTANTS = "assistants"
    SKILLS = "skills"
    ALL = "all"


class UserReaction(BaseModel):
    """One reaction; with `include_details`, what it is about (when the caller still sees it)."""

    resource_id: str = Field(serialization_alias="resourceId")
    resource_type: Literal["assistant", "skill"] = Field(serialization_alias="resourceType")
    reaction: str
    reaction_at: datetime = Field(serialization_alias="reactionAt")
    name: str | None = None
    description: str | None = None
    project: str | None = None
    slug: str | None = None
    icon: str | None = None
    visibility: str | None = None
    categories: list[str] | None = None


class UserReactionsOut(BaseModel):
    """The caller's reactions."""

    items: list[UserReaction]


@router.get("/user/reactions", response_model=UserReactionsOut, response_model_exclude_none=True)
async def user_reactions(
    session: Session,
    principal: CurrentPrincipal,
    include_details: bool = False,
    reaction_type: Annotated[str | None, Query(max_length=20)] = None,
    resource_type: ReactedResource = ReactedResource.ASSISTANTS,
) -> UserReactionsOut:
    """The assistants (default), skills or both the caller reacted to, newest first."""
    reaction = reaction_type.lower() if reaction_type else None
    if reaction not in (None, "like", "dislike"):
        raise BadRequest(
            "Invalid reaction type", details=f"Reaction type must be 'like' or 'dislike', got: {reaction_type}"
        )
    items: list[UserReaction] = []
    if resource_type in (ReactedResource.ASSISTANTS, ReactedResource.ALL):
        items += await _on_assistants(session, principal, reaction, include_details)
    if resource_type in (ReactedResource.SKILLS, ReactedResource.ALL):
        items += await _on_skills(session, principal, reaction, include_details)
    items.sort(key=lambda i: i.reaction_at, reverse=True)
    return UserReactionsOut(items=items)


async def _on_assistants(
    session: AsyncSession, principal: Principal, reaction: str | None, details: bool
) -> list[UserReaction]:
    items = []
    for row, assistant in await marketplace_repository.reactions_by(session, principal.user_id, reaction):
        item = UserReaction(
            resource_id=row.assistant_id, resource_type="assistant", reaction=row.reaction, reaction_at=row.created_at
        )
        if details and policy.can_view_assistant(principal, assistant):  # details only of what they still see
            item.name, item.description, item.project = assistant.name, assistant.description, assistant.project
            item.slug, item.icon = assistant.slug or "", assistant.icon_url
        items.append(item)
    return items


async def _on_skills(
    session: AsyncSession, principal: Principal, reaction: str | None, details: bool
) -> list[UserReaction]:
    items = []
    for row, skill in await repository.reactions_by(session, principal.user_id, reaction):
        item = UserReaction(
            resource_id=row.skill_id, resource_type="skill", reaction=row.reaction, reaction_at=row.created_at
        )
        if details and policy.can_view_skill(principal, skill):
            item.name, item.description, item.project = skill.name, skill.description, skill.project
            item.visibility, item.categories = str(skill.visibility), list(skill.categories or [])
        items.append(item)
    return items
