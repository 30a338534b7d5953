"""Assistant categories (platform admins manage them, everyone reads them) and users' reactions to assistants."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import marketplace_repository as repository
from codemill.assistants import repository as assistants
from codemill.assistants.marketplace_schemas import (
    AssistantReactionOut,
    CategoryDetailOut,
    CategoryIn,
    CategoryListMeta,
    CategoryListOut,
    CategoryOut,
    CreatorOut,
    PublishCheckOut,
    PublishCredential,
    PublishSubAssistant,
)
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, Conflict, NotFound
from codemill.integrations import repository as integrations
from codemill.integrations.resolve import attached_integration_ids
from codemill.models import Assistant, AssistantCategory, AssistantReaction

CATEGORY_HELP = "Use GET /v1/assistants/categories to list the categories."


def category_id(name: str) -> str:
    """A category's id from its name: lower-case words joined by hyphens ("Migration & Modernization" ->
    "migration-modernization")."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


async def categories(session: AsyncSession) -> list[CategoryOut]:
    """Every category."""
    return [_out(c) for c in await repository.categories(session)]


async def category_page(session: AsyncSession, principal: Principal, page: int, per_page: int) -> CategoryListOut:
    """A page of categories with their assistant counts (platform admins)."""
    policy.require_admin(principal)
    rows, total = await repository.category_page(session, page, per_page)
    counts = await repository.category_counts(session, [c.id for c in rows])
    return CategoryListOut(
        items=[_detail(c, counts.get(c.id, (0, 0))) for c in rows],
        metadata=CategoryListMeta(
            page=page, per_page=per_page, total=total, total_pages=math.ceil(total / per_page) if total else 0
        ),
    )


async def category(session: AsyncSession, principal: Principal, cid: str) -> CategoryDetailOut:
    """One category with its counts (platform admins)."""
    policy.require_admin(principal)
    found = await _existing(session, cid)
    return _detail(found, (await repository.category_counts(session, [cid])).get(cid, (0, 0)))


async def create_category(session: AsyncSession, principal: Principal, body: CategoryIn) -> CategoryDetailOut:
    """A new category; its id comes from its name (platform admins)."""
    policy.require_admin(principal)
    cid = category_id(body.name)
    if not cid:
        raise BadRequest(
            "Cannot create category", details="The name must contain letters or digits.", help=CATEGORY_HELP
        )
    if await repository.category(session, cid) is not None or await repository.category_named(session, body.name):
        raise BadRequest(
            "Cannot create category",
            details=f"Category with ID '{cid}' already exists",
            help="The generated category ID already exists. Try using a different name.",
        )
    created = AssistantCategory(id=cid, name=body.name, description=body.description)
    session.add(created)
    await session.flush()
    return _detail(created, (0, 0))


async def update_category(session: AsyncSession, principal: Principal, cid: str, body: CategoryIn) -> CategoryDetailOut:
    """A new name and description; the id, and so the assistants filed under it, stay (platform admins)."""
    policy.require_admin(principal)
    found = await _existing(session, cid)
    same_name = await repository.category_named(session, body.name)
    if same_name is not None and same_name.id != cid:
        raise BadRequest(
            "Cannot update category",
            details=f"Another category is named '{body.name}'",
            help="Pick a name no other category has.",
        )
    found.name, found.description = body.name, body.description
    await session.flush()
    return _detail(found, (await repository.category_counts(session, [cid])).get(cid, (0, 0)))


async def delete_category(session: AsyncSession, principal: Principal, cid: str) -> None:
    """Remove a category no assistant is filed under (platform admins); 409 otherwise."""
    policy.require_admin(principal)
    await _existing(session, cid)
    market, project = (await repository.category_counts(session, [cid])).get(cid, (0, 0))
    if market or project:
        raise Conflict(
            "Cannot delete category",
            details=f"Category '{cid}' is assigned to {market} marketplace and {project} project assistants",
            help="Remove the category from those assistants first.",
        )
    await repository.delete_category(session, cid)
    await session.flush()


async def react(session: AsyncSession, principal: Principal, assistant_id: str, reaction: str) -> AssistantReactionOut:
    """Like or dislike an assistant the caller sees (the opposite reaction is replaced)."""
    assistant = policy.ensure_assistant_visible(principal, await assistants.get(session, assistant_id))
    row = await repository.reaction(session, assistant.id, principal.user_id)
    if row is None:
        row = AssistantReaction(assistant_id=assistant.id, user_id=principal.user_id)
        session.add(row)
    row.reaction, row.created_at = reaction, datetime.now(UTC)
    await session.flush()
    likes, dislikes = await repository.reaction_counts(session, assistant.id)
    return AssistantReactionOut(
        resource_id=assistant.id,
        reaction=row.reaction,
        reaction_at=row.created_at.isoformat(),
        unique_likes_count=likes,
        unique_dislikes_count=dislikes,
    )


async def unreact(session: AsyncSession, principal: Principal, assistant_id: str) -> AssistantReactionOut:
    """Forget the caller's reaction to an assistant they see."""
    assistant = policy.ensure_assistant_visible(principal, await assistants.get(session, assistant_id))
    await repository.remove_reaction(session, assistant.id, principal.user_id)
    await session.flush()
    likes, dislikes = await repository.reaction_counts(session, assistant.id)
    return AssistantReactionOut(
        resource_id=assistant.id,
        reaction=None,
        reaction_at=None,
        unique_likes_count=likes,
        unique_dislikes_count=dislikes,
    )


async def creators(session: AsyncSession, principal: Principal) -> list[CreatorOut]:
    """Who made the assistants the caller sees (their own, their projects' shared ones, the marketplace's)."""
    people = await repository.creators(session, policy.visible_assistants_clause(principal, include_global=True))
    return [CreatorOut(user_id=u.id, username=u.username or u.email, name=u.name or u.email) for u in people]


async def publish_check(session: AsyncSession, principal: Principal, assistant_id: str) -> PublishCheckOut:
    """What publishing would share: the sub-assistants published with it, and the integrations (the creator's
    own or the project's) that everyone chatting from the marketplace would then use."""
    assistant = policy.ensure_assistant_editable(principal, await assistants.get(session, assistant_id))
    subs = await assistants.get_many(session, list(assistant.assistant_ids or []))
    lent = await _lent_integrations(session, assistant, None)
    for sub in subs:
        lent += await _lent_integrations(session, sub, sub)
    if lent:
        message = (
            f"This assistant or its sub-assistants contain inline integration credentials: {len(lent)} "
            "integration(s) would be used by everyone who chats with it from the marketplace. Confirm to publish."
        )
    elif subs:
        message = f"Assistant '{assistant.name}' is ready to be published with its {len(subs)} sub-assistant(s)."
    else:
        message = f"Assistant '{assistant.name}' is ready to be published."
    return PublishCheckOut(
        assistant_id=assistant.id,
        requires_confirmation=bool(lent),
        message=message,
        sub_assistants=[
            PublishSubAssistant(id=s.id, name=s.name, description=s.description, is_global=s.is_global) for s in subs
        ],
        inline_credentials=lent,
    )


async def _lent_integrations(
    session: AsyncSession, assistant: Assistant, sub: Assistant | None
) -> list[PublishCredential]:
    """The integrations an assistant's toolkits, tools and MCP servers name."""
    where: dict[str, tuple[str | None, str | None, str | None]] = {}
    for toolkit in assistant.toolkits or []:
        _note(where, toolkit, toolkit.get("toolkit"), None, None)
        for tool in toolkit.get("tools") or []:
            _note(where, tool, toolkit.get("toolkit"), tool.get("name"), None)
    for server in assistant.mcp_servers or []:
        _note(where, server, None, None, server.get("name"))
    lent = []
    for integration_id in attached_integration_ids(assistant):
        found = await integrations.get(session, integration_id)
        if found is None:
            continue
        kit_name, tool_name, server_name = where.get(integration_id, (None, None, None))
        lent.append(
            PublishCredential(
                toolkit=kit_name,
                credential_type=found.credential_type,
                tool=tool_name,
                label=found.alias,
                mcp_server=server_name,
                sub_assistant_id=sub.id if sub else None,
                sub_assistant_name=sub.name if sub else None,
            )
        )
    return lent


def _note(
    where: dict[str, tuple[str | None, str | None, str | None]],
    holder: object,
    toolkit: object,
    tool: object,
    mcp_server: object,
) -> None:
    settings = holder.get("settings") if isinstance(holder, dict) else None
    if isinstance(settings, dict) and isinstance(settings.get("id"), str):
        where.setdefault(settings["id"], (_text(toolkit), _text(tool), _text(mcp_server)))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


async def _existing(session: AsyncSession, cid: str) -> AssistantCategory:
    found = await repository.category(session, cid)
    if found is None:
        raise NotFound("Category not found", details=f"Category with ID '{cid}' does not exist.", help=CATEGORY_HELP)
    return found


def _out(category: AssistantCategory) -> CategoryOut:
    return CategoryOut(id=category.id, name=category.name, description=category.description)


def _detail(category: AssistantCategory, counts: tuple[int, int]) -> CategoryDetailOut:
    return CategoryDetailOut(
        id=category.id,
        name=category.name,
        description=category.description,
        marketplace_count=counts[0],
        project_count=counts[1],
    )
