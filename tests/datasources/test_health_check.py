"""POST /v1/index/health through the SDK (datasources.health_check): Git, Jira and Confluence sources probed
with the credentials indexing would use, against local stand-ins; what cannot be read is said, per field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration

from tests.conftest import TestUser
from tests.datasources.atlassian_server import ISSUES, PAGES, TOKEN, AtlassianServer
from tests.datasources.gitserver import GitServer, populate
from tests.datasources.support import ds_name


@pytest.fixture
def atlassian() -> Iterator[AtlassianServer]:
    server = AtlassianServer()
    yield server
    server.close()


def _integration(user: TestUser, kind: CredentialTypes, **values: str) -> str:
    created = user.client.integrations.create(
        Integration(
            project_name=user.email,
            alias=ds_name("cred"),
            credential_type=kind,
            credential_values=[CredentialValues(key=k, value=v) for k, v in values.items()],
        )
    )
    return str(created["id"])


def test_a_git_repository_is_probed_with_the_users_token(tmp_path: Path, make_user: Callable[..., TestUser]) -> None:
    token = "git-token-" + ds_name("t")
    server = GitServer(tmp_path, token=token)
    try:
        populate(server, 2)
        server.commit("first")
        user = make_user("health-git")
        probe = user.client.datasources.health_check
        missing = probe("code", project_name=user.email)
        assert missing["error"]["field_error"] == "git_url" and missing["documents_count"] is None
        # No integration yet: the server refuses, and the answer says so (no token in it).
        refused = probe("code", git_url=server.url, project_name=user.email)
        assert refused["error"]["field_error"] == "git_url" and "authentication failed" in refused["error"]["message"]
        setting = _integration(user, CredentialTypes.GIT, url=server.url, token=token)
        assert probe("git", git_url=server.url, setting_id=setting, project_name=user.email) == {
            "documents_count": 0,
            "error": None,
            "implemented": True,
        }
        # Without setting_id the integration that indexing would pick (the caller's, covering the URL) is used.
        assert probe("code", git_url=server.url, project_name=user.email)["error"] is None
        # Someone else's integration is not found for this caller.
        other = make_user("health-git-other")
        foreign = other.client.datasources.health_check("code", git_url=server.url, setting_id=setting)
        assert (
            foreign["error"]["field_error"] == "setting_id" and foreign["error"]["message"] == "Integration not found"
        )
        assert token not in str(refused) + str(foreign)
    finally:
        server.close()


def test_jira_and_confluence_count_what_the_query_finds(
    atlassian: AtlassianServer, make_user: Callable[..., TestUser]
) -> None:
    user = make_user("health-atlassian")
    probe = user.client.datasources.health_check
    jira = _integration(user, CredentialTypes.JIRA, url=atlassian.url, token=TOKEN)
    wiki = _integration(user, CredentialTypes.CONFLUENCE, url=f"{atlassian.url}/wiki", token=TOKEN)
    found = probe("knowledge_base_jira", setting_id=jira, project_name=user.email, jql="project = PAY")
    assert (found["documents_count"], found["error"]) == (len(ISSUES), None)
    pages = probe("confluence", setting_id=wiki, project_name=user.email, cql="space = ENG")
    assert (pages["documents_count"], pages["error"]) == (len(PAGES), None)
    assert probe("jira", setting_id=jira, project_name=user.email)["error"]["field_error"] == "jql"

    wrong = _integration(user, CredentialTypes.JIRA, url=atlassian.url, token="not-the-token")
    refused = probe("jira", setting_id=wrong, project_name=user.email, jql="project = PAY")
    assert refused["documents_count"] is None and "refused the credentials (401)" in refused["error"]["message"]
    # A type Codemill does not probe says so.
    assert probe("knowledge_base_xray", project_name=user.email) == {
        "documents_count": None,
        "error": None,
        "implemented": False,
    }
