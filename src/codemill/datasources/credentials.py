"""Credentials for a datasource's source, resolved through integrations as its creator."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.datasources.sync import CONFLUENCE, GIT, JIRA, Credentials
from codemill.errors import Unavailable, Unprocessable
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
