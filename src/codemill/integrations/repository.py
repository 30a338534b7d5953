"""SQL for integrations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import AssistantUserMapping, Integration, Project, User
from codemill.models.assistant_mappings import ASSISTANT_SCOPE


async def get(session: AsyncSession, integration_id: str) -> Integration | None:
    """An integration by id."""
    return await session.get(Integration, integration_id)


async def get_for_update(session: AsyncSession, integration_id: str) -> Integration | None:
    """An integration by id, locked for the rest of the transaction."""
    found = await session.execute(select(Integration).where(Integration.id == integration_id).with_for_update())
    return found.scalars().first()


async def project_exists(session: AsyncSession, name: str) -> bool:
    """Whether a project of that name exists."""
    return await session.get(Project, name) is not None


def _filtered(query: Any, filters: dict[str, Any]) -> Any:
    if isinstance(filters.get("credential_type"), str):
        query = query.where(Integration.credential_type == filters["credential_type"])
    if isinstance(filters.get("project_name"), str):
        query = query.where(Integration.project_name == filters["project_name"])
    for key in ("alias", "search"):
        if isinstance(filters.get(key), str) and filters[key]:
            query = query.where(func.lower(Integration.alias).contains(filters[key].lower(), autoescape=True))
    return query


async def list_page(
    session: AsyncSession,
    *,
    setting_type: str,
    owner_id: str | None,
    projects: Sequence[str] | None,
    filters: dict[str, Any],
    page: int,
    per_page: int,
) -> tuple[list[Integration], int]:
    """A page of one scope's integrations (owned by owner_id; in `projects` unless None), newest first."""
    query = select(Integration).where(Integration.setting_type == setting_type)
    if owner_id is not None:
        query = query.where(Integration.owner_id == owner_id)
    if projects is not None:
        query = query.where(Integration.project_name.in_(projects) if projects else false())
    query = _filtered(query, filters)
    total = int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
    rows = await session.execute(
        query.order_by(Integration.created_at.desc(), Integration.id).offset(page * per_page).limit(per_page)
    )
    return list(rows.scalars()), total


def usable_by(user_id: str, projects: Sequence[str] | None) -> ColumnElement[bool]:
    """Integrations a user may use: their own, and those of their projects (any project when None)."""
    project_scope: ColumnElement[bool] = Integration.setting_type == "project"
    if projects is not None:
        project_scope = and_(project_scope, Integration.project_name.in_(projects) if projects else false())
    return or_(and_(Integration.setting_type == "user", Integration.owner_id == user_id), project_scope)


async def list_usable(
    session: AsyncSession, *, user_id: str, projects: Sequence[str] | None, in_project: str | None
) -> list[Integration]:
    """Everything the user may use; with in_project, only what applies in that project."""
    query = select(Integration).where(usable_by(user_id, projects))
    if in_project is not None:
        query = query.where(or_(Integration.project_name == in_project, Integration.is_global.is_(True)))
    rows = await session.execute(query.order_by(Integration.setting_type.desc(), Integration.created_at.desc()))
    return list(rows.scalars())


async def alias_taken_in(
    session: AsyncSession, *, setting_type: str, project_name: str, owner_id: str | None, alias: str
) -> bool:
    """Whether a project (for user scope: the owner's integrations in it) already has the alias."""
    query = select(Integration.id).where(
        Integration.setting_type == setting_type,
        Integration.project_name == project_name,
        Integration.alias == alias,
    )
    if setting_type == "user":
        query = query.where(Integration.owner_id == owner_id)
    return (await session.execute(query.limit(1))).first() is not None


async def alias_taken(session: AsyncSession, integration: Integration, alias: str) -> bool:
    """Whether another integration of the same scope (CodeMie: project, and owner for user scope) has it."""
    query = select(Integration.id).where(
        Integration.setting_type == integration.setting_type,
        Integration.project_name == integration.project_name,
        Integration.alias == alias,
        Integration.id != integration.id,
    )
    if integration.setting_type == "user":
        query = query.where(Integration.owner_id == integration.owner_id)
    return (await session.execute(query.limit(1))).first() is not None


def _other_defaults(integration: Integration) -> list[ColumnElement[bool]]:
    """The other defaults of the integration's type in its scope."""
    conditions: list[ColumnElement[bool]] = [
        Integration.credential_type == integration.credential_type,
        Integration.setting_type == integration.setting_type,
        Integration.id != integration.id,
        Integration.is_default.is_(True),
    ]
    if integration.setting_type == "project":
        conditions.append(Integration.project_name == integration.project_name)
    elif integration.is_global:
        conditions += [Integration.owner_id == integration.owner_id, Integration.is_global.is_(True)]
    else:
        conditions += [
            Integration.owner_id == integration.owner_id,
            Integration.is_global.is_(False),
            Integration.project_name == integration.project_name,
        ]
    return conditions


async def clear_other_defaults(session: AsyncSession, integration: Integration) -> None:
    """Make `integration` the only default of its type in its scope."""
    query = update(Integration).where(*_other_defaults(integration))
    await session.execute(query.values(is_default=False).execution_options(synchronize_session="fetch"))


async def other_default_exists(session: AsyncSession, integration: Integration) -> bool:
    """Whether another integration is already the default of this one's type in its scope."""
    found = await session.execute(select(Integration.id).where(*_other_defaults(integration)).limit(1))
    return found.first() is not None


async def in_project_for_update(session: AsyncSession, project_name: str) -> list[Integration]:
    """Every integration of a project, locked for the rest of the transaction, oldest first."""
    rows = await session.execute(
        select(Integration)
        .where(Integration.project_name == project_name)
        .order_by(Integration.created_at, Integration.id)
        .with_for_update()
    )
    return list(rows.scalars())


async def of_type(
    session: AsyncSession,
    credential_type: str,
    *,
    owner_id: str | None = None,
    project_name: str | None = None,
    is_global: bool | None = None,
    setting_type: str,
) -> list[Integration]:
    """Candidates of one scope for credential resolution: defaults first, then newest."""
    query = select(Integration).where(
        Integration.credential_type == credential_type, Integration.setting_type == setting_type
    )
    if owner_id is not None:
        query = query.where(Integration.owner_id == owner_id)
    if project_name is not None:
        query = query.where(Integration.project_name == project_name)
    if is_global is not None:
        query = query.where(Integration.is_global.is_(is_global))
    rows = await session.execute(
        query.order_by(Integration.is_default.desc(), Integration.updated_at.desc(), Integration.id)
    )
    return list(rows.scalars())


async def of_type_for_caller(
    session: AsyncSession, credential_type: str, *, owner_id: str, project_name: str
) -> list[Integration]:
    """In one round trip, the candidates of all three resolution scopes (the caller's in the project, the
    caller's global ones, the project's), defaults first, then newest; the caller splits them by scope."""
    query = select(Integration).where(
        Integration.credential_type == credential_type,
        or_(
            and_(
                Integration.setting_type == "user",
                Integration.owner_id == owner_id,
                or_(Integration.is_global.is_(True), Integration.project_name == project_name),
            ),
            and_(Integration.setting_type == "project", Integration.project_name == project_name),
        ),
    )
    rows = await session.execute(
        query.order_by(Integration.is_default.desc(), Integration.updated_at.desc(), Integration.id)
    )
    return list(rows.scalars())


async def with_secrets_ids(session: AsyncSession) -> list[str]:
    """Ids of every integration that holds secrets."""
    rows = await session.execute(
        select(Integration.id).where(Integration.secret_ciphertext.is_not(None)).order_by(Integration.id)
    )
    return list(rows.scalars())


async def creators(session: AsyncSession, ids: Iterable[str | None]) -> dict[str, tuple[str, str]]:
    """(username, name) of the given users."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = await session.execute(select(User.id, User.username, User.name).where(User.id.in_(wanted)))
    return {row.id: (row.username, row.name) for row in rows}


async def value_taken(
    session: AsyncSession, integration: Integration, credential_type: str, key: str, value: str
) -> bool:
    """Whether another integration of the type holds `value` under the non-secret `key`."""
    query = select(Integration.id).where(
        Integration.credential_type == credential_type,
        Integration.values[key].astext == value,
        Integration.id != integration.id,
    )
    return (await session.execute(query.limit(1))).first() is not None


async def type_taken_in_project(
    session: AsyncSession, *, project_name: str, credential_type: str, excluding_id: str
) -> bool:
    """Whether the project already has a project integration of the type (other than `excluding_id`)."""
    query = select(Integration.id).where(
        Integration.credential_type == credential_type,
        Integration.setting_type == "project",
        Integration.project_name == project_name,
        Integration.id != excluding_id,
    )
    return (await session.execute(query.limit(1))).first() is not None


async def plugin_integration_by_key_hash(session: AsyncSession, key_hash: str) -> Integration | None:
    """The Plugin integration whose key hashes to `key_hash`, if any."""
    found = await session.execute(
        select(Integration).where(Integration.plugin_key_hash == key_hash, Integration.credential_type == "Plugin")
    )
    return found.scalars().first()


async def global_of_admins(session: AsyncSession, credential_type: str) -> list[Integration]:
    """Global (all-projects) user integrations of one type owned by active platform admins: defaults first."""
    rows = await session.execute(
        select(Integration)
        .join(User, User.id == Integration.owner_id)
        .where(
            Integration.credential_type == credential_type,
            Integration.setting_type == "user",
            Integration.is_global.is_(True),
            User.is_admin.is_(True),
            User.is_active.is_(True),
        )
        .order_by(Integration.is_default.desc(), Integration.updated_at.desc(), Integration.id)
    )
    return list(rows.scalars())


async def mapped_integration_ids(
    session: AsyncSession, assistant_id: str, user_id: str, workflow_id: str | None = None
) -> list[str]:
    """The integration ids a user mapped to an assistant's tools, in slot order: the assistant's mapping,
    within a workflow with that workflow's slots overriding it (slot by slot)."""
    scopes = [ASSISTANT_SCOPE, workflow_id] if workflow_id else [ASSISTANT_SCOPE]
    rows = await session.execute(
        select(AssistantUserMapping.workflow_id, AssistantUserMapping.tools_config).where(
            AssistantUserMapping.assistant_id == assistant_id,
            AssistantUserMapping.user_id == user_id,
            AssistantUserMapping.workflow_id.in_(scopes),
        )
    )
    by_scope: dict[str, Any] = {scope: tools_config for scope, tools_config in rows.all()}
    slots: dict[str, str] = {}
    for scope in scopes:  # the workflow's slots last: they override the assistant's
        for slot in by_scope.get(scope) or []:
            if isinstance(slot, dict) and isinstance(slot.get("integration_id"), str):
                slots[str(slot.get("name"))] = slot["integration_id"]
    return list(dict.fromkeys(i for i in slots.values() if i))
