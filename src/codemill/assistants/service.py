"""Assistant logic: create, update (a new version each time), delete, list, look up. Never commits.

Access decisions are auth.policy's; this module calls them. Other parts (chat) use `get_visible`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import builtin_subagents, sealing, validation, versions
from codemill.assistants import marketplace_repository as marketplace
from codemill.assistants import repository as assistants
from codemill.assistants.filters import ListFilters
from codemill.assistants.repository import Page
from codemill.assistants.schemas import AssistantRequest
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import Conflict, NotFound, not_found
from codemill.llm.catalogue import Catalogue
from codemill.models import Assistant, AssistantVersion, User
from codemill.models.base import new_id


class Scope(StrEnum):
    """Which assistants a list covers (CodeMie's AssistantScope)."""

    VISIBLE_TO_USER = "visible_to_user"
    CREATED_BY_USER = "created_by_user"
    MARKETPLACE = "marketplace"
    ALL = "all"
    PROJECT_WITH_MARKETPLACE = "project_with_marketplace"


@dataclass(frozen=True)
class AssistantListing:
    """A page of assistants, the total, and their creators."""

    assistants: list[Assistant]
    total: int
    users: dict[str, User]
    # Per assistant: users who chatted with it, likes, dislikes.
    counts: dict[str, tuple[int, int, int]]


@dataclass(frozen=True)
class AssistantDetail:
    """An assistant with its versions (newest first) and the users who made them."""

    assistant: Assistant
    versions: list[AssistantVersion]
    users: dict[str, User]
    counts: tuple[int, int, int]


async def get_visible(session: AsyncSession, principal: Principal, assistant_id: str) -> Assistant:
    """An assistant the caller may see (and chat with); 404 otherwise."""
    return policy.ensure_assistant_visible(principal, await assistants.get(session, assistant_id))


async def get_visible_by_slug(
    session: AsyncSession, principal: Principal, slug: str, project: str | None = None
) -> Assistant:
    """An assistant by slug, if the caller may see it (and it is in `project`, when named); 404 otherwise.

    Slugs are unique across the platform, so a lookup without a project is never ambiguous."""
    assistant = policy.ensure_assistant_visible(principal, await assistants.get_by_slug(session, slug))
    if project is not None and assistant.project != project:
        raise not_found("Assistant", slug)
    return assistant


async def get_editable(session: AsyncSession, principal: Principal, assistant_id: str) -> Assistant:
    """An assistant the caller may change: 404 when invisible, 403 when only visible."""
    return policy.ensure_assistant_editable(principal, await assistants.get_for_update(session, assistant_id))


async def create(
    session: AsyncSession, principal: Principal, catalogue: Catalogue, body: AssistantRequest
) -> Assistant:
    """A new assistant in a project the caller belongs to, with its first version."""
    project = await validation.project(session, principal, body.project or principal.current_project)
    model = validation.llm_model(catalogue, body.llm_model_type)
    validation.system_prompt(body.system_prompt)
    await validation.integrations_usable(session, principal, body.toolkits, body.mcp_servers, attached=set())
    slug = await validation.unique_slug(session, validation.slug_format(body.slug)) if body.slug else None
    assistant = Assistant(
        id=new_id(),
        name=body.name,
        description=body.description or "",
        slug=slug,
        project=project.name,
        created_by=principal.user_id,
        icon_url=body.icon_url,
        shared=body.shared,
        is_global=False,
        is_react=body.is_react,
        categories=list(body.categories),
        version_count=1,
        system_prompt=body.system_prompt,
        llm_model_type=model,
        temperature=body.temperature,
        top_p=body.top_p,
        tools_tokens_size_limit=body.tools_tokens_size_limit,
        context=[c.model_dump(mode="json") for c in body.context],
        toolkits=validation.toolkits_json(body.toolkits),
        mcp_servers=validation.mcp_servers_json(body.mcp_servers),
        assistant_ids=await validation.sub_assistants(session, principal, body.assistant_ids, None),
        prompt_variables=validation.prompt_variables_json(body.prompt_variables),
        conversation_starters=list(body.conversation_starters),
        enabled_builtin_subagents=builtin_subagents.checked(body.enabled_builtin_subagents),
        tool_permissions=body.tool_permissions.model_dump(mode="json") if body.tool_permissions else None,
    )
    await validation.prompt_renders(session, principal, assistant)
    await sealing.seal_assistant(session, assistant, kept=set())
    session.add(assistant)
    assistants.add_version(session, assistant, 1, versions.snapshot(assistant), principal.user_id, "Initial version")
    await _flush(session)
    return assistant


async def update(
    session: AsyncSession,
    principal: Principal,
    catalogue: Catalogue,
    assistant_id: str,
    body: AssistantRequest,
) -> Assistant:
    """Apply the fields present in `body`, then record the result as a new version."""
    assistant = await get_editable(session, principal, assistant_id)
    given = body.model_fields_set
    validation.system_prompt(body.system_prompt)
    await validation.integrations_usable(
        session,
        principal,
        body.toolkits if "toolkits" in given else [],
        body.mcp_servers if "mcp_servers" in given else [],
        attached=validation.attached_integration_ids(assistant),
    )
    # Sealed values sent back masked come back from storage as they are; anything else is sealed anew.
    kept = sealing.stored_sealed_values(assistant)
    assistant.name = body.name
    assistant.system_prompt = body.system_prompt
    if "project" in given and body.project and body.project != assistant.project:
        assistant.project = (await validation.project(session, principal, body.project)).name
    if "llm_model_type" in given:
        assistant.llm_model_type = validation.llm_model(catalogue, body.llm_model_type)
    if "slug" in given:
        assistant.slug = await _changed_slug(session, assistant, body.slug)
    if "description" in given:
        assistant.description = body.description or ""
    for field in ("icon_url", "shared", "is_react", "temperature", "top_p", "tools_tokens_size_limit"):
        if field in given:
            setattr(assistant, field, getattr(body, field))
    if "categories" in given:
        assistant.categories = list(body.categories)
    if "context" in given:
        assistant.context = [c.model_dump(mode="json") for c in body.context]
    if "toolkits" in given:
        assistant.toolkits = validation.toolkits_json(body.toolkits)
    if "mcp_servers" in given:
        assistant.mcp_servers = validation.mcp_servers_json(body.mcp_servers, assistant.mcp_servers)
    if "assistant_ids" in given:
        assistant.assistant_ids = await validation.sub_assistants(session, principal, body.assistant_ids, assistant.id)
    if "prompt_variables" in given:
        assistant.prompt_variables = validation.prompt_variables_json(body.prompt_variables, assistant.prompt_variables)
    if "conversation_starters" in given:
        assistant.conversation_starters = list(body.conversation_starters)
    if "enabled_builtin_subagents" in given:
        assistant.enabled_builtin_subagents = builtin_subagents.checked(body.enabled_builtin_subagents)
    if "tool_permissions" in given:
        assistant.tool_permissions = body.tool_permissions.model_dump(mode="json") if body.tool_permissions else None
    await validation.prompt_renders(session, principal, assistant)
    await sealing.seal_assistant(session, assistant, kept)
    await new_version(session, principal, assistant, "Configuration updated")
    return assistant


async def new_version(session: AsyncSession, principal: Principal, assistant: Assistant, notes: str | None) -> int:
    """Record the assistant's current configuration as its next version; returns the version number."""
    number = max(assistant.version_count, await assistants.latest_version_number(session, assistant.id)) + 1
    assistant.version_count = number
    assistants.add_version(session, assistant, number, versions.snapshot(assistant), principal.user_id, notes)
    await _flush(session)
    return number


async def _changed_slug(session: AsyncSession, assistant: Assistant, slug: str | None) -> str | None:
    if not slug:
        return None
    slug = validation.slug_format(slug)
    if slug != assistant.slug and await assistants.slug_taken(session, slug, exclude_id=assistant.id):
        raise Conflict("Slug should be unique", details={"field": "slug", "value": slug})
    return slug


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent writer took the slug between the check and the insert
        if "slug" in str(exc.orig):
            raise Conflict("Slug should be unique", details={"field": "slug"}) from None
        raise


async def delete(session: AsyncSession, principal: Principal, assistant_id: str) -> None:
    """Remove an assistant and its versions."""
    assistant = await get_editable(session, principal, assistant_id)
    await session.delete(assistant)
    await session.flush()


async def set_published(
    session: AsyncSession,
    principal: Principal,
    assistant_id: str,
    published: bool,
    categories: list[str] | None = None,
) -> Assistant:
    """Publish to (or withdraw from) the marketplace, where every user can see it."""
    assistant = await get_editable(session, principal, assistant_id)
    assistant.is_global = published
    if categories:
        assistant.categories = list(categories)
    await session.flush()
    return assistant


def _scope_clause(principal: Principal, scope: Scope, filters: ListFilters) -> ColumnElement[bool] | None:
    match scope:
        case Scope.VISIBLE_TO_USER:
            return policy.visible_assistants_clause(principal, include_global=False)
        case Scope.ALL:
            return policy.visible_assistants_clause(principal, include_global=True)
        case Scope.CREATED_BY_USER:
            return Assistant.created_by == principal.user_id
        case Scope.MARKETPLACE:
            return Assistant.is_global.is_(True)
        case Scope.PROJECT_WITH_MARKETPLACE:
            # The project filter applies to project assistants only; marketplace ones come from everywhere.
            own = policy.visible_assistants_clause(principal, include_global=False)
            if filters.project:
                own = and_(own, Assistant.project.in_(filters.project))
                filters.project = None
            return or_(own, Assistant.is_global.is_(True))
    raise NotFound(f"Unknown scope {scope}")  # pragma: no cover - the enum is exhaustive


async def list_assistants(
    session: AsyncSession, principal: Principal, scope: Scope, filters: ListFilters, page: Page
) -> tuple[list[Assistant], int]:
    """A page of the assistants in `scope` that match `filters`, and the total."""
    clause = _scope_clause(principal, scope, filters)
    return await assistants.list_page(session, clause, filters, page)


async def listing(
    session: AsyncSession, principal: Principal, scope: Scope, filters: ListFilters, page: Page
) -> AssistantListing:
    """A page of the assistants in `scope` that match `filters`, with their creators."""
    found, total = await list_assistants(session, principal, scope, filters, page)
    users = await assistants.users_by_id(session, [a.created_by for a in found])
    return AssistantListing(found, total, users, await marketplace.usage_counts(session, [a.id for a in found]))


async def detail(session: AsyncSession, assistant: Assistant) -> AssistantDetail:
    """An assistant (already checked visible) with its version history and the users involved."""
    rows, _ = await assistants.list_versions(session, assistant.id, 0, 1000)
    users = await assistants.users_by_id(session, [assistant.created_by, *(r.created_by for r in rows)])
    counts = (await marketplace.usage_counts(session, [assistant.id]))[assistant.id]
    return AssistantDetail(assistant, rows, users, counts)
