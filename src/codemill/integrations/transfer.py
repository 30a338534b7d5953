"""POST /v1/settings/transfer: move or copy a project's integrations into another project, all or nothing.

As CodeMie: `move` keeps each integration's id (what refers to it keeps working), `copy` duplicates it;
Webhook and Scheduler integrations are never copied. Differences, kept on purpose: besides platform
admins, admins of both projects may transfer (their project integrations and their own user
integrations); Plugin integrations are not copied either (a plugin key belongs to one integration);
copies get their secrets sealed afresh (the envelope is bound to the integration's id); a moved or
copied default stays the default only if the target has none of its type yet.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import Conflict, NotFound, Unprocessable
from codemill.integrations import repository
from codemill.integrations.schemas import TransferIn, TransferItem, TransferMode, TransferOut
from codemill.integrations.sealing import cipher_of, open_secrets, seal_secrets
from codemill.integrations.types import get_type
from codemill.models import Integration
from codemill.models.base import new_id

log = logging.getLogger(__name__)

NOT_COPIED = frozenset({"Webhook", "Scheduler", "Plugin"})
_INVALID = "Invalid transfer request"


def _item(integration: Integration) -> TransferItem:
    return TransferItem(id=integration.id, alias=integration.alias, credential_type=integration.credential_type)


def _scopes(body: TransferIn) -> set[str]:
    scopes = {"user"} if body.type_of_integration.user_integrations else set()
    if body.type_of_integration.project_integrations:
        scopes.add("project")
    if not scopes:
        raise Unprocessable(
            _INVALID,
            details="At least one integration type must be selected.",
            help="Set user_integrations or project_integrations (or both) to true.",
        )
    return scopes


async def _check_projects(session: AsyncSession, principal: Principal, source: str, target: str) -> None:
    if source == target:
        raise Unprocessable(
            _INVALID,
            details="Source and target projects must be different.",
            help="Choose a target project other than the source project.",
        )
    for label, name in (("Source", source), ("Target", target)):
        policy.ensure_project_manageable(principal, name)
        if not await repository.project_exists(session, name):
            raise NotFound("Project not found", details=f"{label} project '{name}' does not exist.")


def _select(rows: list[Integration], scopes: set[str], body: TransferIn) -> list[Integration]:
    """The rows the request names (all of the chosen scopes when no list is given)."""
    chosen = [row for row in rows if row.setting_type in scopes]
    if body.integrations_list is None:
        return chosen
    if not body.integrations_list:
        raise Unprocessable(
            _INVALID,
            details="The integration list must not be empty. Omit the field to transfer all integrations.",
            help="Either remove the 'list' field or provide at least one alias.",
        )
    requested = set(body.integrations_list)
    missing = requested - {row.alias for row in chosen}
    if missing:
        other_scope = missing & {row.alias for row in rows}
        if other_scope:
            raise Unprocessable(
                "Integration type mismatch",
                details=f"These aliases exist in project '{body.source_project_name}' but are not of the requested "
                f"type ({', '.join(sorted(scopes))}): {', '.join(sorted(other_scope))}.",
                help="Adjust type_of_integration to include the integration's type, or remove the alias from the list.",
            )
        raise Unprocessable(
            "Unknown integration identifiers",
            details=f"These aliases were not found in project '{body.source_project_name}': "
            f"{', '.join(sorted(missing))}.",
            help="Check the alias names and try again.",
        )
    return [row for row in chosen if row.alias in requested]


async def _check_aliases_free(session: AsyncSession, rows: list[Integration], target: str) -> None:
    taken = [
        row.alias
        for row in rows
        if await repository.alias_taken_in(
            session, setting_type=row.setting_type, project_name=target, owner_id=row.owner_id, alias=row.alias
        )
    ]
    for row in rows:
        ctype = get_type(row.credential_type)
        if ctype is not None and ctype.one_per_project and row.setting_type == "project":
            if await repository.type_taken_in_project(
                session, project_name=target, credential_type=ctype.name, excluding_id=row.id
            ):
                raise Conflict(
                    f"A {ctype.name} integration already exists for project '{target}'",
                    details={"field": "credential_type", "alias": row.alias},
                )
    if taken:
        raise Conflict(
            "Alias conflict in target project",
            details=f"Target project '{target}' already has integrations with these aliases: {', '.join(taken)}.",
            help=f"Rename or remove the conflicting integrations in target project '{target}', or rename them in "
            "the source project, then retry.",
        )


async def _copy(session: AsyncSession, row: Integration, target: str) -> Integration:
    copy = Integration(
        id=new_id(),
        setting_type=row.setting_type,
        owner_id=row.owner_id,
        created_by=row.created_by,
        project_name=target,
        is_global=row.is_global,
        alias=row.alias,
        credential_type=row.credential_type,
        is_default=row.is_default,
        values=dict(row.values),
        secret_keys=[],
    )
    cipher = cipher_of(session)
    await seal_secrets(cipher, copy, await open_secrets(cipher, row))
    session.add(copy)
    return copy


async def transfer(session: AsyncSession, principal: Principal, body: TransferIn) -> TransferOut:
    """Move or copy the chosen integrations of the source project into the target project."""
    scopes = _scopes(body)
    source, target = body.source_project_name.strip(), body.target_project_name.strip()
    await _check_projects(session, principal, source, target)
    visible = [
        row
        for row in await repository.in_project_for_update(session, source)
        if policy.can_transfer_integration(principal, row)
    ]
    candidates = _select(visible, scopes, body)
    skipped = [row for row in candidates if body.mode == TransferMode.COPY and row.credential_type in NOT_COPIED]
    if skipped and body.integrations_list is not None:
        raise Unprocessable(
            "Non-transferable integrations in list",
            details=f"These integrations cannot be transferred in copy mode: "
            f"{', '.join(sorted(row.alias for row in skipped))}. Remove them from the 'list' or omit the field "
            "to skip them automatically.",
            help="Webhook, scheduler and plugin integrations are never copied.",
        )
    moving = [row for row in candidates if row not in skipped]
    await _check_aliases_free(session, moving, target)
    written: list[Integration] = []
    for row in moving:
        if body.mode == TransferMode.MOVE:
            row.project_name = target
            written.append(row)
        else:
            written.append(await _copy(session, row, target))
    await session.flush()
    for row in written:
        if row.is_default and await repository.other_default_exists(session, row):
            row.is_default = False
    await session.flush()
    log.info(
        "integrations transferred",
        extra={"mode": body.mode.value, "transferred": len(written), "skipped": len(skipped)},
    )
    message = (
        f"Transferred {len(written)} integration(s) from '{source}' to '{target}'."
        if written
        else f"No transferable integrations found in project '{source}'."
    )
    return TransferOut(
        message=message,
        source_project_name=source,
        target_project_name=target,
        mode=body.mode,
        transferred_count=len(written),
        transferred=[_item(row) for row in written],
        skipped_count=len(skipped),
        skipped=[_item(row) for row in skipped],
    )
