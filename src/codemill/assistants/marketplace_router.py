"""/v1/assistants/categories (the SDK's `categories` service) and /v1/assistants/{id}/reactions (HTTP only).

Registered before the assistants router: "categories" is not an assistant id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from codemill.assistants import marketplace
from codemill.assistants.marketplace_schemas import (
    AssistantReactionIn,
    AssistantReactionOut,
    CategoryDetailOut,
    CategoryIn,
    CategoryListOut,
    CategoryOut,
    CreatorOut,
    PublishCheckOut,
)
from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.kit.params import PageNumber

router = APIRouter(prefix="/v1/assistants", tags=["assistants"])


@router.get("/users", response_model=list[CreatorOut])
async def assistant_creators(session: Session, principal: CurrentPrincipal) -> list[CreatorOut]:
    """Who made the assistants the caller sees (for the creator filter)."""
    return await marketplace.creators(session, principal)


@router.get("/categories", response_model=list[CategoryOut])
async def list_categories(session: Session, principal: CurrentPrincipal) -> list[CategoryOut]:
    """Every category assistants can be filed under."""
    del principal
    return await marketplace.categories(session)


@router.get("/categories/list", response_model=CategoryListOut)
async def category_page(
    session: Session,
    principal: CurrentPrincipal,
    page: PageNumber = 0,
    per_page: Annotated[int, Query(ge=1, le=100)] = 10,
) -> CategoryListOut:
    """Categories with how many marketplace and project assistants each holds (platform admins)."""
    return await marketplace.category_page(session, principal, page, per_page)


@router.get("/categories/{category_id}", response_model=CategoryDetailOut)
async def get_category(category_id: str, session: Session, principal: CurrentPrincipal) -> CategoryDetailOut:
    """One category with its counts (platform admins)."""
    return await marketplace.category(session, principal, category_id)


@router.post("/categories", status_code=201, response_model=CategoryDetailOut)
async def create_category(body: CategoryIn, session: Session, principal: CurrentPrincipal) -> CategoryDetailOut:
    """A new category, its id made from its name (platform admins)."""
    return await marketplace.create_category(session, principal, body)


@router.put("/categories/{category_id}", response_model=CategoryDetailOut)
async def update_category(
    category_id: str, body: CategoryIn, session: Session, principal: CurrentPrincipal
) -> CategoryDetailOut:
    """Rename or re-describe a category; assistants filed under it stay (platform admins)."""
    return await marketplace.update_category(session, principal, category_id, body)


@router.delete("/categories/{category_id}", status_code=204, response_class=Response)
async def delete_category(category_id: str, session: Session, principal: CurrentPrincipal) -> Response:
    """Remove a category no assistant uses (platform admins; 409 while assistants use it)."""
    await marketplace.delete_category(session, principal, category_id)
    return Response(status_code=204)


@router.post("/{assistant_id}/reactions", response_model=AssistantReactionOut)
async def react(
    assistant_id: str, body: AssistantReactionIn, session: Session, principal: CurrentPrincipal
) -> AssistantReactionOut:
    """Like or dislike an assistant (the opposite reaction is replaced)."""
    return await marketplace.react(session, principal, assistant_id, body.reaction)


@router.delete("/{assistant_id}/reactions", response_model=AssistantReactionOut)
async def unreact(assistant_id: str, session: Session, principal: CurrentPrincipal) -> AssistantReactionOut:
    """Forget the caller's reaction."""
    return await marketplace.unreact(session, principal, assistant_id)


@router.post("/{assistant_id}/marketplace/publish/validate", response_model=PublishCheckOut)
async def publish_check(assistant_id: str, session: Session, principal: CurrentPrincipal) -> PublishCheckOut:
    """Before publishing: the sub-assistants that go with it and the integrations marketplace users would use."""
    return await marketplace.publish_check(session, principal, assistant_id)
