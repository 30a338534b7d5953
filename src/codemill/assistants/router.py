"""/v1/assistants: CRUD, lists, slugs, versions, prebuilt templates, marketplace flags (HTTP only).

Messages and shapes are CodeMie's (see docs/dev/codemie-facts-assistants.md). Chat (/{id}/model) and
/context live in their own parts' routers.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field

from codemill.assistants import prebuilt, responses, service, version_service
from codemill.assistants import repository as assistants
from codemill.assistants.filters import parse_filters
from codemill.assistants.repository import Page
from codemill.assistants.schemas import (
    AssistantListOut,
    AssistantOut,
    AssistantRequest,
    AssistantSavedOut,
    AssistantVersionOut,
    PrebuiltCreate,
    PrebuiltOut,
    PromptValidationOut,
    PublishRequest,
    RollbackOut,
    RollbackRequest,
    ToolkitOut,
    VersionCompareOut,
    VersionHistoryOut,
)
from codemill.assistants.service import Scope
from codemill.assistants.templates import PromptTemplateError, render_prompt_async
from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Session
from codemill.errors import BadRequest
from codemill.kit.api_schemas import MessageOut
from codemill.kit.params import PageNumber, PathInt32
from codemill.llm.dependencies import AppCatalogue
from codemill.plugins import assistant_tools as plugin_tools
from codemill.toolkits import catalogue as toolkit_catalogue
from codemill.tools import registry
from codemill.workspaces import tools as workspace_tools

router = APIRouter(prefix="/v1/assistants", tags=["assistants"])


def _saved(assistant_id: str) -> dict[str, Any]:
    return {"message": "Specified assistant saved", "assistantId": assistant_id, "validation": None}


@router.get("", response_model=AssistantListOut)
async def list_assistants(
    session: Session,
    principal: CurrentPrincipal,
    scope: Scope = Scope.VISIBLE_TO_USER,
    minimal_response: bool = False,
    filters: Annotated[str | None, Query(max_length=20_000)] = None,
    page: PageNumber = 0,
    per_page: Annotated[int, Query(ge=1, le=500)] = 12,
    sort_by: Literal["usage", "likes", "dislikes", "name"] | None = None,
    sort_order: Literal["asc", "desc"] = "desc",
) -> dict[str, Any]:
    """Assistants in a scope, filtered (JSON `filters`) and paginated: {data, pagination}."""
    found, total = await service.list_assistants(
        session,
        principal,
        scope,
        parse_filters(filters),
        Page(page=page, per_page=per_page, sort_by=sort_by, descending=sort_order == "desc"),
    )
    users = await assistants.users_by_id(session, [a.created_by for a in found])
    render = responses.minimal if minimal_response else responses.full
    return {
        "data": [render(a, principal, users) for a in found],
        "pagination": {"page": page, "per_page": per_page, "total": total, "pages": math.ceil(total / per_page)},
    }


@router.post("", response_model=AssistantSavedOut)
async def create_assistant(
    body: AssistantRequest, catalogue: AppCatalogue, session: Session, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Create an assistant (version 1)."""
    assistant = await service.create(session, principal, catalogue, body)
    return _saved(assistant.id)


class PromptValidation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system_prompt_template: str = Field(max_length=200_000)
    prompt_vars: dict[str, str] = Field(default_factory=dict)
    assistant_id: str | None = None


@router.post("/system-prompt/validate", response_model=PromptValidationOut)
async def validate_system_prompt(body: PromptValidation, principal: CurrentPrincipal) -> dict[str, Any]:
    """Render a prompt template with the given variables, as chat would."""
    try:
        rendered = await render_prompt_async(
            body.system_prompt_template, body.prompt_vars, current_user=principal.username
        )
    except PromptTemplateError as exc:
        raise BadRequest(
            "System prompt validation failed",
            details={"field": "system_prompt_template", "reason": exc.message, "line": exc.line},
            help="Variable names must be letters, digits and underscores; private attributes are not allowed.",
        ) from None
    return {"rendered_prompt": rendered, "is_valid": True, "message": "System prompt rendered successfully"}


@router.get("/tools", response_model=list[ToolkitOut])
async def list_tools(_: CurrentPrincipal, settings: AppSettings) -> list[dict[str, Any]]:
    """The toolkits and tools assistants can enable (CodeMie's ToolKitDetails list, not wrapped)."""
    return [
        *registry.toolkits(),
        *toolkit_catalogue.toolkit_details(settings),
        plugin_tools.toolkit_details(),
        workspace_tools.toolkit_details(),
    ]


@router.get("/prebuilt", response_model=list[PrebuiltOut])
async def list_prebuilt(principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """The shipped templates."""
    return [prebuilt.out(t, principal) for t in prebuilt.templates()]


@router.get("/prebuilt/{slug}", response_model=PrebuiltOut)
async def get_prebuilt(slug: str, principal: CurrentPrincipal) -> dict[str, Any]:
    """One template."""
    return prebuilt.out(prebuilt.by_slug(slug), principal)


@router.post("/prebuilt/{slug}", response_model=AssistantSavedOut)
async def create_from_prebuilt(
    slug: str,
    catalogue: AppCatalogue,
    session: Session,
    principal: CurrentPrincipal,
    body: Annotated[PrebuiltCreate | None, Body()] = None,
) -> dict[str, Any]:
    """Create an assistant from a template (Codemill's addition; the CodeMie UI copies templates client-side)."""
    assistant = await prebuilt.create_from(session, principal, catalogue, slug, body or PrebuiltCreate())
    return _saved(assistant.id)


async def _full_with_history(session: Session, principal: CurrentPrincipal, assistant_id: str) -> dict[str, Any]:
    assistant = await service.get_visible(session, principal, assistant_id)
    rows, _ = await assistants.list_versions(session, assistant.id, 0, 1000)
    users = await assistants.users_by_id(session, [assistant.created_by, *(r.created_by for r in rows)])
    return responses.full(assistant, principal, users, responses.prompt_history(rows, assistant, users))


@router.get("/id/{assistant_id}", response_model=AssistantOut)
async def get_assistant(assistant_id: str, session: Session, principal: CurrentPrincipal) -> dict[str, Any]:
    """An assistant by id (404 when missing or not visible to the caller)."""
    return await _full_with_history(session, principal, assistant_id)


@router.get("/slug/{slug:path}", response_model=AssistantOut)
async def get_assistant_by_slug(
    slug: str,
    session: Session,
    principal: CurrentPrincipal,
    project: Annotated[str | None, Query(max_length=320)] = None,
) -> dict[str, Any]:
    """An assistant by slug (within `project`, when named)."""
    assistant = await service.get_visible_by_slug(session, principal, slug, project)
    return await _full_with_history(session, principal, assistant.id)


@router.put("/{assistant_id}", response_model=AssistantSavedOut)
async def update_assistant(
    assistant_id: str, body: AssistantRequest, catalogue: AppCatalogue, session: Session, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Change an assistant; the fields sent replace the stored ones, and a new version is recorded."""
    await service.update(session, principal, catalogue, assistant_id, body)
    return {"message": "Specified assistant updated", "validation": None}


@router.delete("/{assistant_id}", response_model=MessageOut)
async def delete_assistant(assistant_id: str, session: Session, principal: CurrentPrincipal) -> dict[str, str]:
    """Delete an assistant and its versions."""
    await service.delete(session, principal, assistant_id)
    return {"message": "Specified assistant removed"}


@router.get("/{assistant_id}/versions", response_model=VersionHistoryOut)
async def list_versions(
    assistant_id: str,
    session: Session,
    principal: CurrentPrincipal,
    page: PageNumber = 0,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Version history, newest first."""
    return await version_service.history(session, principal, assistant_id, page, per_page)


@router.get("/{assistant_id}/versions/{version_number}", response_model=AssistantVersionOut)
async def get_version(
    assistant_id: str, version_number: PathInt32, session: Session, principal: CurrentPrincipal
) -> dict[str, Any]:
    """One version's configuration."""
    return await version_service.one(session, principal, assistant_id, version_number)


@router.get("/{assistant_id}/versions/{version1}/compare/{version2}", response_model=VersionCompareOut)
async def compare_versions(
    assistant_id: str, version1: PathInt32, version2: PathInt32, session: Session, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Field-level differences between two versions."""
    return await version_service.compare(session, principal, assistant_id, version1, version2)


@router.post("/{assistant_id}/versions/{version_number}/rollback", response_model=RollbackOut)
async def rollback_version(
    assistant_id: str,
    version_number: PathInt32,
    catalogue: AppCatalogue,
    session: Session,
    principal: CurrentPrincipal,
    body: Annotated[RollbackRequest | None, Body()] = None,
) -> dict[str, Any]:
    """Make an earlier version current again (recorded as a new version)."""
    notes = body.change_notes if body else None
    created = await version_service.rollback(session, principal, catalogue, assistant_id, version_number, notes)
    return {
        "message": f"Rolled back to version {version_number}. Created new version {created}",
        "version_number": created,
    }


@router.post("/{assistant_id}/marketplace/publish", response_model=MessageOut)
async def publish(
    assistant_id: str,
    session: Session,
    principal: CurrentPrincipal,
    body: Annotated[PublishRequest | None, Body()] = None,
) -> dict[str, str]:
    """Publish to the marketplace: every user can then see and use the assistant."""
    categories = body.categories if body else None
    await service.set_published(session, principal, assistant_id, True, categories)
    return {"message": f"Assistant {assistant_id} published to marketplace successfully"}


@router.post("/{assistant_id}/marketplace/unpublish", response_model=MessageOut)
async def unpublish(assistant_id: str, session: Session, principal: CurrentPrincipal) -> dict[str, str]:
    """Withdraw from the marketplace."""
    await service.set_published(session, principal, assistant_id, False)
    return {"message": f"Assistant {assistant_id} unpublished from marketplace successfully"}
