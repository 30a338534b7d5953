"""Integrations: create, update, delete, list (secrets masked) — the logic behind /v1/settings."""

from __future__ import annotations

import logging

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.audit import service as audit
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, Conflict, NotFound, Unprocessable
from codemill.integrations import plugin_keys, repository, views
from codemill.integrations.schemas import (
    IntegrationIn,
    IntegrationList,
    IntegrationOut,
    Pagination,
    SettingType,
)
from codemill.integrations.sealing import cipher_of, open_secrets, seal_secrets
from codemill.integrations.types import CredentialType
from codemill.integrations.values import (
    credential_type,
    merge_secrets,
    parse_values,
    require_complete,
)
from codemill.kit.json_types import JsonObject
from codemill.models import Integration
from codemill.models.base import new_id

log = logging.getLogger(__name__)

SAVED = "Specified credentials saved"
UPDATED = "Specified credentials updated"
REMOVED = "Specified credential removed"


def _check_setting_type(body: IntegrationIn, scope: SettingType) -> None:
    if body.setting_type is not None and body.setting_type != scope:
        raise Unprocessable(
            f"setting_type '{body.setting_type}' does not match /v1/settings/{scope}",
            details={"field": "setting_type"},
        )


def _alias(body: IntegrationIn) -> str:
    alias = (body.alias or "").strip()
    if not alias:
        raise Unprocessable("alias: a non-empty alias is required", details={"field": "alias"})
    return alias


async def _check_project(session: AsyncSession, principal: Principal, scope: SettingType, name: str) -> None:
    if scope == "project":
        policy.ensure_project_manageable(principal, name)
    else:
        policy.ensure_project_visible(principal, name)
    if not await repository.project_exists(session, name):
        raise NotFound("Project not found", details={"project": name})


async def _check_uniqueness(
    session: AsyncSession, integration: Integration, ctype: CredentialType, plain: JsonObject
) -> None:
    """CodeMie's one-of rules: a webhook id used once, one MS Teams bot per project."""
    key = ctype.unique_value
    if key is not None and await repository.value_taken(session, integration, ctype.name, key, str(plain[key])):
        raise Conflict(f"{key} '{plain[key]}' is already used; choose another", details={"field": key})
    if ctype.one_per_project and await repository.type_taken_in_project(
        session, project_name=integration.project_name, credential_type=ctype.name, excluding_id=integration.id
    ):
        raise Conflict(
            f"A {ctype.name} integration already exists for project '{integration.project_name}'",
            details={"field": "credential_type"},
            help="Update or delete the existing one instead of creating another.",
        )


async def _apply(
    session: AsyncSession, integration: Integration, ctype: CredentialType, body: IntegrationIn, stored: dict[str, str]
) -> str | None:
    """Validate the body against the type and write it into `integration`; returns a generated plugin key."""
    changes = parse_values(ctype, body.credential_values)
    secrets = merge_secrets(stored, changes)
    generated: str | None = None
    if ctype.generated:
        given = changes.secrets_set.get(ctype.generated)
        if given is not None:
            plugin_keys.ensure_key_shape(given)
        elif ctype.generated not in secrets:
            generated = plugin_keys.generate_plugin_key()
            secrets[ctype.generated] = generated
        key_hash = plugin_keys.hash_plugin_key(secrets[ctype.generated])
        if integration.plugin_key_hash not in (None, key_hash):
            await plugin_keys.announce_revoked(session, integration.id)
        if await plugin_keys.find_by_key(session, secrets[ctype.generated]) not in (None, integration):
            raise Conflict("This plugin key is already in use", details={"field": ctype.generated})
        integration.plugin_key_hash = key_hash
    require_complete(ctype, changes.plain, set(secrets))
    if ctype.rule is not None:
        ctype.rule(changes.plain)
    await _check_uniqueness(session, integration, ctype, changes.plain)
    alias = _alias(body)
    if await repository.alias_taken(session, integration, alias):
        raise Conflict(
            f"An integration with the alias '{alias}' already exists here",
            details={"field": "alias"},
            help="Aliases are unique per project (and per user for user integrations).",
        )
    integration.alias = alias
    integration.values = changes.plain
    integration.is_default = body.default
    await seal_secrets(cipher_of(session), integration, secrets)
    return generated


async def create(
    session: AsyncSession, principal: Principal, scope: SettingType, body: IntegrationIn
) -> tuple[Integration, str | None]:
    """Create an integration in the caller's (user scope) or a project's (project scope) name."""
    _check_setting_type(body, scope)
    ctype = credential_type(body.credential_type)
    if ctype.project_only and scope == "user":
        raise BadRequest(
            f"{ctype.name} integrations are project-scoped only",
            details={"field": "setting_type"},
            help="Create it under /v1/settings/project.",
        )
    project = body.project_name.strip() or principal.current_project
    await _check_project(session, principal, scope, project)
    integration = Integration(
        id=new_id(),
        setting_type=scope,
        owner_id=principal.user_id if scope == "user" else None,
        created_by=principal.user_id,
        project_name=project,
        is_global=bool(body.is_global) if scope == "user" else False,
        credential_type=ctype.name,
        values={},
        secret_keys=[],
    )
    generated = await _apply(session, integration, ctype, body, stored={})
    session.add(integration)
    await session.flush()
    if integration.is_default:
        await repository.clear_other_defaults(session, integration)
    await audit.record(
        session,
        principal,
        audit.Domain.INTEGRATION_MANAGEMENT,
        "integration_created",
        entity_type="integration",
        entity_id=integration.id,
        attributes={"credential_type": ctype.name, "setting_type": scope, "project": project},
    )
    log.info(
        "integration created",
        extra={"integration_id": integration.id, "credential_type": ctype.name, "setting_type": scope},
    )
    return integration, generated


async def _owned(session: AsyncSession, principal: Principal, scope: SettingType, integration_id: str) -> Integration:
    integration = await repository.get_for_update(session, integration_id)
    if integration is not None and integration.setting_type != scope:
        integration = None  # a project integration is not found under /settings/user, and the reverse
    return policy.ensure_integration_manageable(principal, integration)


async def update(
    session: AsyncSession, principal: Principal, scope: SettingType, integration_id: str, body: IntegrationIn
) -> Integration:
    """Update: secrets not resent (or sent masked) are kept; non-secret values are replaced."""
    integration = await _owned(session, principal, scope, integration_id)
    _check_setting_type(body, scope)
    ctype = credential_type(body.credential_type)
    if ctype.name != integration.credential_type:
        raise Unprocessable(
            f"credential_type cannot change (this integration is {integration.credential_type})",
            details={"field": "credential_type"},
            help="Create a new integration for another credential type.",
        )
    project = body.project_name.strip() or integration.project_name
    if project != integration.project_name:
        await _check_project(session, principal, scope, project)
        integration.project_name = project
    if scope == "user" and body.is_global is not None:
        integration.is_global = body.is_global
    stored = await open_secrets(cipher_of(session), integration)
    await _apply(session, integration, ctype, body, stored)
    await session.flush()
    if integration.is_default:
        await repository.clear_other_defaults(session, integration)
    await audit.record(
        session,
        principal,
        audit.Domain.INTEGRATION_MANAGEMENT,
        "integration_updated",
        entity_type="integration",
        entity_id=integration.id,
        attributes={"credential_type": ctype.name, "setting_type": scope},
    )
    log.info("integration updated", extra={"integration_id": integration.id, "credential_type": ctype.name})
    return integration


async def delete(session: AsyncSession, principal: Principal, scope: SettingType, integration_id: str) -> None:
    """Delete (for a Plugin integration this revokes its key)."""
    integration = await _owned(session, principal, scope, integration_id)
    if integration.plugin_key_hash is not None:
        await plugin_keys.announce_revoked(session, integration.id)
    await session.delete(integration)
    await session.flush()
    await audit.record(
        session,
        principal,
        audit.Domain.INTEGRATION_MANAGEMENT,
        "integration_deleted",
        entity_type="integration",
        entity_id=integration_id,
        attributes={"credential_type": integration.credential_type, "setting_type": scope},
    )
    log.info(
        "integration deleted",
        extra={"integration_id": integration_id, "credential_type": integration.credential_type},
    )


def parse_filters(raw: str | None) -> JsonObject:
    """The `filters` query parameter (a JSON object)."""
    if not raw:
        return {}
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Unprocessable("filters: not valid JSON", details={"field": "filters"}) from exc
    if not isinstance(parsed, dict):
        raise Unprocessable("filters: must be a JSON object", details={"field": "filters"})
    return parsed


async def to_out(session: AsyncSession, integrations: list[Integration]) -> list[IntegrationOut]:
    """Integrations as clients see them (secrets masked), with their creators."""
    people = await repository.creators(session, (i.created_by for i in integrations))
    return [views.integration(i, people) for i in integrations]


async def list_page(
    session: AsyncSession, principal: Principal, scope: SettingType, page: int, per_page: int, filters: JsonObject
) -> IntegrationList:
    """User scope: the caller's own. Project scope: the projects the caller administers (all for admins)."""
    if scope == "user":
        owner, projects = principal.user_id, None
    else:
        owner = None
        projects = None if policy.is_platform_admin(principal) else principal.admin_project_names
    rows, total = await repository.list_page(
        session, setting_type=scope, owner_id=owner, projects=projects, filters=filters, page=page, per_page=per_page
    )
    return IntegrationList(
        data=await to_out(session, rows),
        pagination=Pagination(page=page, per_page=per_page, total=total),
    )


async def available(session: AsyncSession, principal: Principal, project: str | None) -> list[IntegrationOut]:
    """What the caller may use: their own and their projects' (in one project, when given)."""
    if project is not None:
        policy.ensure_project_visible(principal, project)
    projects = None if policy.is_platform_admin(principal) else principal.project_names
    rows = await repository.list_usable(session, user_id=principal.user_id, projects=projects, in_project=project)
    return await to_out(session, rows)
