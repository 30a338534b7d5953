"""POST /v1/index/health: whether a datasource's source can be read, before it is created (CodeMie's
datasource health check). The credentials are the ones indexing would use (integrations.resolve); every
call goes through the SSRF guard. A source that cannot be read is an answer (200 with `error`), not a
failed request."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.principal import Principal
from codemill.datasources.health_schemas import HealthCheckIn, HealthCheckOut, HealthErrorOut
from codemill.datasources.sources import atlassian
from codemill.datasources.sources.git import check_repo_url
from codemill.datasources.sync import CONFLUENCE, GIT, JIRA
from codemill.errors import CodemillError
from codemill.integrations.checking import CheckContext, CheckFailed
from codemill.integrations.git_check import check_git
from codemill.integrations.resolve import ResolvedCredentials, credentials_for
from codemill.kit.outbound import OutboundClient, OutboundFailed, OutboundRefused
from codemill.settings import Settings

# Index types as CodeMie's forms and the SDK name them, to Codemill's.
KINDS = {
    "git": GIT,
    GIT: GIT,
    "jira": JIRA,
    JIRA: JIRA,
    "confluence": CONFLUENCE,
    CONFLUENCE: CONFLUENCE,
}
CREDENTIAL_TYPE = {GIT: "Git", JIRA: "Jira", CONFLUENCE: "Confluence"}
# Confluence reports no total: pages are counted, up to this many.
MAX_COUNTED_PAGES = 1000


class _Unreadable(Exception):
    def __init__(self, error: HealthErrorOut) -> None:
        super().__init__(error.message)
        self.error = error


def _error(message: str, field: str | None = None, help: str | None = None) -> _Unreadable:
    return _Unreadable(HealthErrorOut(message=message, details=message, help=help, field_error=field))


async def check(
    session: AsyncSession, principal: Principal, body: HealthCheckIn, settings: Settings, outbound: OutboundClient
) -> HealthCheckOut:
    """Probe the source a datasource of this type would read."""
    kind = KINDS.get(body.index_type.lower())
    if kind is None:
        return HealthCheckOut(implemented=False)
    try:
        if kind == GIT:
            return await _git(session, principal, body, settings, outbound)
        return await _atlassian(session, principal, body, kind, settings, outbound)
    except _Unreadable as exc:
        return HealthCheckOut(error=exc.error)


async def _credentials(
    session: AsyncSession, principal: Principal, body: HealthCheckIn, kind: str, repo_url: str | None = None
) -> ResolvedCredentials | None:
    try:
        return await credentials_for(
            session,
            principal,
            body.project_name or principal.current_project,
            None,
            CREDENTIAL_TYPE[kind],
            integration_id=body.setting_id or None,
            repo_url=repo_url,
        )
    except CodemillError as exc:
        raise _error(exc.message, "setting_id", "Use an integration of yours or of this project.") from None


async def _git(
    session: AsyncSession, principal: Principal, body: HealthCheckIn, settings: Settings, outbound: OutboundClient
) -> HealthCheckOut:
    url = (body.git_url or "").strip()
    if not url:
        raise _error(
            "Git repository URL is required", "git_url", "Give the repository URL, e.g. https://host/group/repo.git"
        )
    try:
        await check_repo_url(url, outbound, settings.datasources.allow_insecure_http)
    except (OutboundRefused, OutboundFailed) as exc:
        raise _error(str(exc), "git_url") from None
    found = await _credentials(session, principal, body, GIT, url)
    values = {**(found.values if found else {}), "url": url}
    if found is None:
        values.pop("token", None)
    try:
        await check_git(values, CheckContext(outbound, settings.integration_check_timeout_seconds))
    except CheckFailed as exc:
        raise _error(exc.message, "git_url", "Check the repository URL and the Git integration's token.") from None
    return HealthCheckOut(documents_count=0)


async def _atlassian(
    session: AsyncSession,
    principal: Principal,
    body: HealthCheckIn,
    kind: str,
    settings: Settings,
    outbound: OutboundClient,
) -> HealthCheckOut:
    field, query = ("jql", body.jql) if kind == JIRA else ("cql", body.cql)
    if not query or not query.strip():
        raise _error(f"A {field.upper()} query is required", field)
    found = await _credentials(session, principal, body, kind)
    name = CREDENTIAL_TYPE[kind]
    base = str((found.values.get("url") if found else "") or "")
    token = str((found.values.get("token") if found else "") or "")
    if found is None or not base or not token:
        raise _error(f"No {name} integration with a URL and token is available", "setting_id")
    conf = settings.datasources
    username = str(found.values.get("username") or "") or None
    fetcher = atlassian.RestFetcher(
        outbound, atlassian.auth_headers(username, token), conf.fetch_max_retries, conf.fetch_backoff_seconds
    )
    try:
        if kind == JIRA:
            payload = await fetcher.get_json(f"{base.rstrip('/')}/rest/api/2/search", {"jql": query, "maxResults": 0})
            return HealthCheckOut(documents_count=int(payload.get("total") or 0))
        counted = 0
        async for _page in atlassian.confluence_pages(fetcher, base, query, conf.fetch_page_size, MAX_COUNTED_PAGES):
            counted += 1
        return HealthCheckOut(documents_count=counted)
    except (atlassian.FetchError, OutboundRefused, OutboundFailed) as exc:
        raise _error(str(exc), None, f"Check the {field.upper()} query and the {name} integration.") from None
