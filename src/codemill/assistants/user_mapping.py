"""A user's own integrations for the tools of an assistant they use (CodeMie's assistant user mapping).

A user of a shared or marketplace assistant maps each tool slot to one of their integrations (or one of
the assistant's project's); at chat time their mapped integration is used (integrations.resolve). Only
users who see the assistant map, and only integrations they may use (policy.can_map_integration).
Mappings are the assistant's everywhere, or one workflow's; within a workflow the workflow's slots
override the assistant's.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import mapping_repository as repository
from codemill.assistants import repository as assistants
from codemill.assistants.mapping_schemas import MappingIn, MappingOut, ToolSlot
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.integrations import repository as integrations
from codemill.models import Assistant
from codemill.models.assistant_mappings import ASSISTANT_SCOPE


async def _assistant(session: AsyncSession, principal: Principal, assistant_id: str) -> Assistant:
    return policy.ensure_assistant_visible(principal, await assistants.get(session, assistant_id))


def _slots(tools_config: list[dict[str, str]] | None) -> list[ToolSlot]:
    return [ToolSlot.model_validate(slot) for slot in tools_config or []]


async def mapping(
    session: AsyncSession, principal: Principal, assistant_id: str, workflow_id: str | None
) -> MappingOut:
    """The caller's mapping for an assistant; with a workflow, its slots merged over the assistant's."""
    assistant = await _assistant(session, principal, assistant_id)
    base = await repository.get(session, assistant.id, principal.user_id, ASSISTANT_SCOPE)
    has_base = base is not None and bool(base.tools_config)
    shown, slots = base, _slots(base.tools_config if base else None)
    if workflow_id:
        scoped = await repository.get(session, assistant.id, principal.user_id, workflow_id)
        if scoped is not None:
            overrides = {slot.name: slot for slot in _slots(scoped.tools_config)}
            slots = [overrides.pop(slot.name, slot) for slot in slots] + list(overrides.values())
            shown = scoped
    return MappingOut(
        id=shown.id if shown else "",
        assistant_id=assistant.id,
        user_id=principal.user_id,
        workflow_id=workflow_id or None,
        tools_config=slots,
        has_assistant_scope_selection=has_base,
        created_at=shown.created_at if shown else None,
        updated_at=shown.updated_at if shown else None,
    )


async def save(session: AsyncSession, principal: Principal, assistant_id: str, body: MappingIn) -> None:
    """Store the caller's mapping (403 for an integration they may not map). With a workflow, the
    workflow's own mapping, unless it is applied to the assistant, which drops the workflow's."""
    assistant = await _assistant(session, principal, assistant_id)
    for slot in body.tools_config:
        if slot.integration_id:
            found = await integrations.get(session, slot.integration_id)
            policy.ensure_integration_mappable(principal, assistant, found)
    scope = body.workflow_id if body.workflow_id and not body.apply_to_assistant else ASSISTANT_SCOPE
    slots = [slot.model_dump() for slot in body.tools_config]
    await repository.upsert(session, assistant.id, principal.user_id, scope, slots)
    if body.workflow_id and body.apply_to_assistant:
        await repository.remove(session, assistant.id, principal.user_id, body.workflow_id)
    await session.flush()


async def forget(session: AsyncSession, principal: Principal, assistant_id: str, workflow_id: str | None) -> None:
    """Drop the caller's mapping for the assistant (or only the workflow's)."""
    assistant = await _assistant(session, principal, assistant_id)
    await repository.remove(session, assistant.id, principal.user_id, workflow_id or ASSISTANT_SCOPE)
    await session.flush()
