"""/v1/assistants: CRUD, lists, slugs, versions, prebuilt templates, marketplace flags (HTTP only).

Messages and shapes are CodeMie's (see docs/dev/codemie-facts-assistants.md). Chat (/{id}/model) and
/context live in their own parts' routers.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field

from codemill.assistants import prebuilt, service, version_service, views
from codemill.assistants.filters import parse_filters
from codemill.assistants.repository import Page
from codemill.assistants.schemas import AssistantRequest, PrebuiltCreate, PublishRequest, RollbackRequest
from codemill.assistants.service import Scope
from codemill.assistants.templates import PromptTemplateError, render_prompt_async
from codemill.assistants.views import (
    AssistantListOut,
    AssistantOut,
    AssistantSavedOut,
    AssistantVersionOut,
    PrebuiltOut,
    PromptValidationOut,
    RollbackOut,
    VersionCompareOut,
    VersionHistoryOut,
)
from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Session
from codemill.errors import BadRequest
from codemill.kit.api_schemas import MessageOut
from codemill.kit.params import PageNumber, PathInt32
from codemill.llm.dependencies import AppCatalogue
from codemill.plugins import assistant_tools as plugin_tools
from codemill.toolkits import catalogue as toolkit_catalogue
from codemill.tools import registry
from codemill.tools.schemas import ToolkitOut
from codemill.workspaces import tools as workspace_tools

router = APIRouter(prefix="/v1/assistants", tags=["assistants"])


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
) -> AssistantListOut:
    """Assistants in a scope, filtered (JSON `filters`) and paginated: {data, pagination}."""
    found = await service.listing(
        session,
        principal,
        scope,
        parse_filters(filters),
        Page(page=page, per_page=per_page, sort_by=sort_by, descending=sort_order == "desc"),
    )
    return views.listing(found, principal, page, per_page, minimal_response)


@router.post("", response_model=AssistantSavedOut)
async def create_assistant(
    body: AssistantRequest, catalogue: AppCatalogue, session: Session, principal: CurrentPrincipal
) -> AssistantSavedOut:
    """Create an assistant (version 1)."""
    assistant = await service.create(session, principal, catalogue, body)
    return views.saved(assistant.id)


class PromptValidation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system_prompt_template: str = Field(max_length=200_000)
    prompt_vars: dict[str, str] = Field(default_factory=dict)
    assistant_id: str | None = None


@router.post("/system-prompt/validate", response_model=PromptValidationOut)
async def validate_system_prompt(body: PromptValidation, principal: CurrentPrincipal) -> PromptValidationOut:
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
    return PromptValidationOut(rendered_prompt=rendered, is_valid=True, message="System prompt rendered successfully")


@router.get("/tools", response_model=list[ToolkitOut])
async def list_tools(_: CurrentPrincipal, settings: AppSettings) -> list[ToolkitOut]:
    """The toolkits and tools assistants can enable (CodeMie's ToolKitDetails list, not wrapped)."""
    return views.toolkits(
        [
            *registry.toolkits(),
            *toolkit_catalogue.toolkit_details(settings),
            plugin_tools.toolkit_details(),
            workspace_tools.toolkit_details(),
        ]
    )


@router.get("/prebuilt", response_model=list[PrebuiltOut])
async def list_prebuilt(principal: CurrentPrincipal) -> list[PrebuiltOut]:
    """The shipped templates."""
    return [views.prebuilt(t, principal) for t in prebuilt.templates()]


@router.get("/prebuilt/{slug}", response_model=PrebuiltOut)
async def get_prebuilt(slug: str, principal: CurrentPrincipal) -> PrebuiltOut:
    """One template."""
    return views.prebuilt(prebuilt.by_slug(slug), principal)


@router.post("/prebuilt/{slug}", response_model=AssistantSavedOut)
async def create_from_prebuilt(
    slug: str,
    catalogue: AppCatalogue,
    session: Session,
    principal: CurrentPrincipal,
    body: Annotated[PrebuiltCreate | None, Body()] = None,
) -> AssistantSavedOut:
    """Create an assistant from a template (Codemill's addition; the CodeMie UI copies templates client-side)."""
    assistant = await prebuilt.create_from(session, principal, catalogue, slug, body or PrebuiltCreate())
    return views.saved(assistant.id)


@router.get("/id/{assistant_id}", response_model=AssistantOut)
async def get_assistant(assistant_id: str, session: Session, principal: CurrentPrincipal) -> AssistantOut:
    """An assistant by id (404 when missing or not visible to the caller)."""
    assistant = await service.get_visible(session, principal, assistant_id)
    return views.detail(await service.detail(session, assistant), principal)


@router.get("/slug/{slug:path}", response_model=AssistantOut)
async def get_assistant_by_slug(
    slug: str,
    session: Session,
    principal: CurrentPrincipal,
    project: Annotated[str | None, Query(max_length=320)] = None,
) -> AssistantOut:
    """An assistant by slug (within `project`, when named)."""
    assistant = await service.get_visible_by_slug(session, principal, slug, project)
    return views.detail(await service.detail(session, assistant), principal)


@router.put("/{assistant_id}", response_model=AssistantSavedOut)
async def update_assistant(
    assistant_id: str, body: AssistantRequest, catalogue: AppCatalogue, session: Session, principal: CurrentPrincipal
) -> AssistantSavedOut:
    """Change an assistant; the fields sent replace the stored ones, and a new version is recorded."""
    await service.update(session, principal, catalogue, assistant_id, body)
    return views.saved(None, "Specified assistant updated")


@router.delete("/{assistant_id}", response_model=MessageOut)
async def delete_assistant(assistant_id: str, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Delete an assistant and its versions."""
    await service.delete(session, principal, assistant_id)
    return MessageOut(message="Specified assistant removed")


@router.get("/{assistant_id}/versions", response_model=VersionHistoryOut)
async def list_versions(
    assistant_id: str,
    session: Session,
    principal: CurrentPrincipal,
    page: PageNumber = 0,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> VersionHistoryOut:
    """Version history, newest first."""
    return views.version_page(await version_service.history(session, principal, assistant_id, page, per_page))


@router.get("/{assistant_id}/versions/{version_number}", response_model=AssistantVersionOut)
async def get_version(
    assistant_id: str, version_number: PathInt32, session: Session, principal: CurrentPrincipal
) -> AssistantVersionOut:
    """One version's configuration."""
    return views.version(*await version_service.one(session, principal, assistant_id, version_number))


@router.get("/{assistant_id}/versions/{version1}/compare/{version2}", response_model=VersionCompareOut)
async def compare_versions(
    assistant_id: str, version1: PathInt32, version2: PathInt32, session: Session, principal: CurrentPrincipal
) -> VersionCompareOut:
    """Field-level differences between two versions."""
    return views.comparison(await version_service.compare(session, principal, assistant_id, version1, version2))


@router.post("/{assistant_id}/versions/{version_number}/rollback", response_model=RollbackOut)
async def rollback_version(
    assistant_id: str,
    version_number: PathInt32,
    catalogue: AppCatalogue,
    session: Session,
    principal: CurrentPrincipal,
    body: Annotated[RollbackRequest | None, Body()] = None,
) -> RollbackOut:
    """Make an earlier version current again (recorded as a new version)."""
    notes = body.change_notes if body else None
    created = await version_service.rollback(session, principal, catalogue, assistant_id, version_number, notes)
    return views.rolled_back(version_number, created)


@router.post("/{assistant_id}/marketplace/publish", response_model=MessageOut)
async def publish(
    assistant_id: str,
    session: Session,
    principal: CurrentPrincipal,
    body: Annotated[PublishRequest | None, Body()] = None,
) -> MessageOut:
    """Publish to the marketplace: every user can then see and use the assistant."""
    categories = body.categories if body else None
    await service.set_published(session, principal, assistant_id, True, categories)
    return MessageOut(message=f"Assistant {assistant_id} published to marketplace successfully")


@router.post("/{assistant_id}/marketplace/unpublish", response_model=MessageOut)
async def unpublish(assistant_id: str, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Withdraw from the marketplace."""
    await service.set_published(session, principal, assistant_id, False)
    return MessageOut(message=f"Assistant {assistant_id} unpublished from marketplace successfully")
