"""Credentials for a datasource's source, resolved through integrations as its creator."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.principal import Principal
from codemill.datasources.sync import CONFLUENCE, GIT, JIRA, Credentials
from codemill.errors import NotFound, Unavailable, Unprocessable
from codemill.integrations.resolve import credentials_for
from codemill.models import Datasource
from codemill.users.service import load_principal

CREDENTIAL_TYPES = {GIT: "Git", JIRA: "Jira", CONFLUENCE: "Confluence"}


async def credentials_of(session: AsyncSession, ds: Datasource) -> Credentials | None:
    """The datasource's credentials (None for public git repositories and uploads)."""
    kind = CREDENTIAL_TYPES.get(ds.index_type)
    if kind is None or ds.created_by is None:
        return None
    principal = await load_principal(session, ds.created_by)
    if principal is None:
        raise Unprocessable("The datasource's creator is no longer active; its credentials cannot be used")
    link = str(ds.config.get("link")) if ds.index_type == GIT else None
    try:
        resolved = await credentials_for(
            session, principal, ds.project_name, None, kind, integration_id=ds.setting_id, repo_url=link
        )
    except Unavailable:
        if ds.setting_id:
            raise
        return None  # no master key: no integrations at all, so a public repository is read anonymously
    if resolved is None:
        return None
    values = resolved.values
    return Credentials(
        url=str(values.get("url") or "") or None,
        username=str(values.get("username") or values.get("name") or "") or None,
        token=str(values.get("token") or "") or None,
    )


async def ensure_setting_usable(
    session: AsyncSession, principal: Principal, project: str, index_type: str, setting_id: str | None, link: str | None
) -> None:
    """At create/update time, not at indexing: an integration the caller may not use is a 404 naming
    `setting_id`; one of another type, or (Git) for another host, is a 422 naming it."""
    kind = CREDENTIAL_TYPES.get(index_type)
    if not setting_id or kind is None:
        return
    try:
        await credentials_for(session, principal, project, None, kind, integration_id=setting_id, repo_url=link)
    except NotFound:
        raise NotFound(
            "Integration not found",
            details={"field": "setting_id", "setting_id": setting_id},
            help="Use the id of an integration of yours or of this project.",
        ) from None
    except Unprocessable as exc:
        raise Unprocessable(exc.message, details={"field": "setting_id", "setting_id": setting_id}) from None
