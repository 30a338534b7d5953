"""/v1/admin/applications and /v1/admin/application (CodeMie's admin view of projects)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from codemill.auth import policy
from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.kit.api_schemas import MessageOut
from codemill.projects import service
from codemill.projects.schemas import ApplicationOut, ApplicationsOut, ProjectCreate

router = APIRouter(prefix="/v1/admin", tags=["admin"])


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)


@router.get("/applications", response_model=ApplicationsOut)
async def list_applications(
    session: Session,
    principal: CurrentPrincipal,
    search: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
) -> ApplicationsOut:
    """Every project (admins)."""
    policy.require_admin(principal)
    found = await service.named_like(session, search, limit)
    return ApplicationsOut(applications=[ApplicationOut(name=p.name, display_name=p.display_name) for p in found])


@router.post("/application", response_model=MessageOut)
async def create_application(body: ApplicationIn, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Create a project (admins)."""
    policy.require_admin(principal)
    project = await service.create(session, principal, ProjectCreate(name=body.name))
    return MessageOut(message=f"Application {project.name} has been created")
