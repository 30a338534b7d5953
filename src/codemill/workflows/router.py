"""/v1/workflows: CRUD, lists, prebuilt templates, recent, creators, YAML validation (HTTP only)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.errors import BadRequest
from codemill.projects.schemas import Pagination
from codemill.workflows import prebuilt, service
from codemill.workflows.repository import WorkflowFilters
from codemill.workflows.responses import mermaid, user_out
from codemill.workflows.schemas import (
    MessageOut,
    UserOut,
    ValidationErrorOut,
    ValidationOut,
    WorkflowCreate,
    WorkflowListOut,
    WorkflowOut,
    WorkflowUpdate,
    WorkflowValidate,
)
from codemill.workflows.validation import WorkflowInvalid

router = APIRouter(prefix="/v1/workflows", tags=["workflows"])


def _filters(raw: str | None, projects: list[str]) -> WorkflowFilters:
    if not raw:
        return WorkflowFilters(projects=projects)
    try:
        data: Any = json.loads(raw)
    except ValueError:
        raise BadRequest("filters: not valid JSON", details={"field": "filters"}) from None
    if not isinstance(data, dict):
        raise BadRequest("filters: must be a JSON object", details={"field": "filters"})
    project = data.get("project") or data.get("projects") or []
    wanted = [*projects, *([project] if isinstance(project, str) else [str(p) for p in project])]
    shared = data.get("shared")
    return WorkflowFilters(
        projects=wanted,
        search=str(data["search"]) if data.get("search") else None,
        created_by=str(data["created_by"]) if data.get("created_by") else None,
        shared=shared if isinstance(shared, bool) else None,
    )


@router.get("", response_model=WorkflowListOut)
async def list_workflows(
    session: Session,
    principal: CurrentPrincipal,
    page: Annotated[int, Query(ge=0)] = 0,
    per_page: Annotated[int, Query(ge=1, le=500)] = 10,
    project: Annotated[list[str] | None, Query(max_length=100)] = None,
    filters: Annotated[str | None, Query(max_length=20_000)] = None,
    filter_by_user: bool = False,
) -> WorkflowListOut:
    """Workflows the caller sees (their own only with `filter_by_user`), filtered and paginated."""
    found, total = await service.list_workflows(
        session, principal, _filters(filters, project or []), filter_by_user, page, per_page
    )
    return WorkflowListOut(
        data=await service.views(session, principal, found),
        pagination=Pagination(total=total, page=page, per_page=per_page),
    )


@router.post("", response_model=WorkflowOut)
async def create_workflow(body: WorkflowCreate, session: Session, principal: CurrentPrincipal) -> WorkflowOut:
    """Create a workflow; its YAML is validated first (400 naming each problem's line)."""
    workflow = await service.create(session, principal, body)
    return await service.view(session, principal, workflow)


@router.post("/validate", response_model=ValidationOut)
async def validate_workflow(body: WorkflowValidate, session: Session, principal: CurrentPrincipal) -> ValidationOut:
    """Check a YAML without saving it: every problem with its line, or the states and their diagram."""
    try:
        parsed = await service.check(session, principal, body.yaml_config)
    except WorkflowInvalid as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        return ValidationOut(
            valid=False,
            message=exc.message,
            error_type=details.get("error_type"),
            errors=[ValidationErrorOut.model_validate(e) for e in details.get("errors", [])],
        )
    return ValidationOut(valid=True, states=list(parsed.config.states), mermaid=mermaid(parsed.config))


@router.get("/prebuilt", response_model=list[WorkflowOut])
async def list_prebuilt(_: CurrentPrincipal) -> list[WorkflowOut]:
    """The shipped templates."""
    return [prebuilt.out(t) for t in prebuilt.templates()]


@router.get("/prebuilt/{slug}", response_model=WorkflowOut)
async def get_prebuilt(slug: str, _: CurrentPrincipal) -> WorkflowOut:
    """One template."""
    return prebuilt.out(prebuilt.by_slug(slug))


@router.get("/recent", response_model=list[WorkflowOut])
async def recent_workflows(
    session: Session, principal: CurrentPrincipal, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> list[WorkflowOut]:
    """Workflows the caller ran lately, most recent first."""
    return await service.views(session, principal, await service.recent(session, principal, limit))


@router.get("/users", response_model=list[UserOut])
async def workflow_creators(session: Session, principal: CurrentPrincipal) -> list[UserOut]:
    """The people who created the workflows the caller sees."""
    return [out for out in (user_out(u) for u in await service.creators(session, principal)) if out is not None]


@router.get("/id/{workflow_id}", response_model=WorkflowOut)
async def get_workflow(workflow_id: str, session: Session, principal: CurrentPrincipal) -> WorkflowOut:
    """A workflow with its YAML history (404 when missing or not visible to the caller)."""
    workflow = await service.get_visible(session, principal, workflow_id)
    return await service.view(session, principal, workflow, history=True)


@router.put("/{workflow_id}", response_model=WorkflowOut)
async def update_workflow(
    workflow_id: str, body: WorkflowUpdate, session: Session, principal: CurrentPrincipal
) -> WorkflowOut:
    """Change a workflow; a changed YAML is validated and kept in the history."""
    workflow = await service.update(session, principal, workflow_id, body)
    return await service.view(session, principal, workflow)


@router.delete("/{workflow_id}", response_model=MessageOut)
async def delete_workflow(workflow_id: str, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Delete a workflow, its history and its executions."""
    await service.delete(session, principal, workflow_id)
    return MessageOut(message="Specified workflow removed")


@router.post("/prebuilt/{slug}", response_model=WorkflowOut)
async def create_from_prebuilt(
    slug: str,
    session: Session,
    principal: CurrentPrincipal,
    project: Annotated[str | None, Body(embed=True)] = None,
) -> WorkflowOut:
    """Create a workflow from a template in a project of the caller's (Codemill's addition)."""
    template = prebuilt.by_slug(slug)
    body = WorkflowCreate(
        project=project or principal.current_project,
        name=template.name,
        description=template.description,
        yaml_config=template.yaml_config,
        categories=template.categories,
    )
    workflow = await service.create(session, principal, body)
    return await service.view(session, principal, workflow)
