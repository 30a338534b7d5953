"""Confluence and Jira datasources index from a local server replaying their REST responses (paging, 429s)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from codemie_sdk.models.datasource import ConfluenceDataSourceRequest, JiraDataSourceRequest
from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration

from tests.conftest import TestUser
from tests.datasources.atlassian_server import ISSUES, PAGES, TOKEN, AtlassianServer
from tests.datasources.support import ds_name, search, wait_for


@pytest.fixture
def atlassian() -> Iterator[AtlassianServer]:
    server = AtlassianServer()
    yield server
    server.close()


def integration(user: TestUser, kind: CredentialTypes, url: str, username: str | None) -> str:
    values = [CredentialValues(key="url", value=url), CredentialValues(key="token", value=TOKEN)]
    if username:
        values.append(CredentialValues(key="username", value=username))
    created = user.client.integrations.create(
        Integration(project_name=user.email, alias=ds_name("cred"), credential_type=kind, credential_values=values)
    )
    return str(created["id"])


def test_confluence_pages_index_with_paging(atlassian: AtlassianServer, make_user: Callable[..., TestUser]) -> None:
    owner = make_user("confluence")
    setting = integration(owner, CredentialTypes.CONFLUENCE, f"{atlassian.url}/wiki", "bot@example.com")
    created = owner.client.datasources.create(
        ConfluenceDataSourceRequest(name=ds_name("wiki"), project_name=owner.email, description="wiki",
                                    cql="space = ENG", setting_id=setting, pages_per_request=3)
    )  # fmt: skip
    ds = wait_for(owner.http, created["id"])
    assert ds["progress"]["items_done"] == len(PAGES) and ds["confluence"]["cql"] == "space = ENG"
    assert ds["confluence"] == {"cql": "space = ENG", "max_pages": None, "pages_per_request": 3}
    assert not {"link", "branch", "files_filter", "jira"} & set(ds)  # other types' fields are absent
    searches = [r for r in atlassian.requests if r.startswith("/wiki/rest/api/content/search")]
    assert len(set(searches)) == 3  # 8 pages, 3 per request, following _links.next
    assert len(searches) == 6  # each page was rate-limited once, then retried
    hits = search(owner.http, created["id"], "payment gateway times out").json()["metadata"]["results"]
    assert hits[0]["item_path"] == "confluence/65999" and "fail over to the secondary region" in hits[0]["content"]
    assert "ignored()" not in hits[0]["content"]


def test_jira_issues_index_with_paging(atlassian: AtlassianServer, make_user: Callable[..., TestUser]) -> None:
    owner = make_user("jira")
    setting = integration(owner, CredentialTypes.JIRA, atlassian.url, None)  # Server/DC: bearer token
    created = owner.client.datasources.create(
        JiraDataSourceRequest(name=ds_name("issues"), project_name=owner.email, description="jira",
                              jql="project = PAY", setting_id=setting)
    )  # fmt: skip
    ds = wait_for(owner.http, created["id"])
    assert ds["progress"]["items_done"] == len(ISSUES) and ds["jira"]["jql"] == "project = PAY"
    hits = search(owner.http, created["id"], "yen rounding to cents").json()["metadata"]["results"]
    assert hits[0]["item_path"] == "jira/PAY-99"
    hits = search(owner.http, created["id"], "Reproduced on build 3").json()["metadata"]["results"]
    assert hits[0]["item_path"] == "jira/PAY-3"

    before = len(atlassian.requests)
    response = owner.http.put(
        "/v1/index/knowledge_base/jira", params={"incremental_reindex": "true"},
        json={"name": ds["repo_name"], "project_name": owner.email},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    again = wait_for(owner.http, created["id"])
    assert len(atlassian.requests) > before and again["progress"]["chunks_done"] == ds["progress"]["chunks_done"]


def test_wrong_credentials_fail_clearly(atlassian: AtlassianServer, make_user: Callable[..., TestUser]) -> None:
    owner = make_user("jira-bad")
    values = [CredentialValues(key="url", value=atlassian.url), CredentialValues(key="token", value="wrong")]
    setting = owner.client.integrations.create(
        Integration(project_name=owner.email, alias=ds_name("bad"), credential_type=CredentialTypes.JIRA, credential_values=values)
    )["id"]  # fmt: skip
    created = owner.client.datasources.create(
        JiraDataSourceRequest(name=ds_name("bad"), project_name=owner.email, description="x", jql="project = PAY", setting_id=setting)
    )  # fmt: skip
    ds = wait_for(owner.http, created["id"], statuses=("failed",), timeout=120)
    assert "refused the credentials (401)" in ds["text"]
