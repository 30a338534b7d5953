"""Integrations as the API returns them (the CodeMie SDK's Integration; secrets masked), and the answers to
create, update and delete: the one place that builds these response models."""

from __future__ import annotations

from codemill.integrations.schemas import CreatedBy, IntegrationOut, SavedOut
from codemill.integrations.values import credential_type, masked_values
from codemill.models import Integration


def integration(row: Integration, people: dict[str, tuple[str, str]]) -> IntegrationOut:
    """One integration; `people` holds (username, name) by user id, for its creator."""
    creator = people.get(row.created_by or "")
    return IntegrationOut(
        id=row.id,
        date=row.created_at,
        update_date=row.updated_at,
        user_id=row.owner_id or row.created_by,
        project_name=row.project_name,
        alias=row.alias,
        default=row.is_default,
        is_global=row.is_global,
        credential_type=row.credential_type,
        credential_values=masked_values(credential_type(row.credential_type), row.values, row.secret_keys),
        setting_type="project" if row.setting_type == "project" else "user",
        created_by=CreatedBy(id=row.created_by, username=creator[0], name=creator[1])
        if creator and row.created_by
        else None,
    )


def saved(message: str, integration_id: str, plugin_key: str | None = None) -> SavedOut:
    """A create, update or delete (its routes leave out null fields)."""
    return SavedOut(message=message, id=integration_id, plugin_key=plugin_key)


def created(message: str, engine_uri: str | None, row: Integration, plugin_key: str | None) -> SavedOut:
    """A plugin key comes with the URL its plugin connects to, so the start command is complete."""
    out = saved(message, row.id, plugin_key)
    if row.plugin_key_hash is not None:
        out.plugin_engine_uri = engine_uri
    return out
