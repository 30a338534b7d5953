"""POST /v1/settings/test/ really contacts the target: git ls-remote, Jira/Confluence "who am I", AWS STS."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from codemie_sdk.models.integration import IntegrationTestRequest, IntegrationTestResponse

from tests.conftest import TestUser, unique
from tests.integrations.conftest import Atlassian, GitServer
from tests.integrations.test_api import assert_not_logged
from tests.support.aws import AwsSts
from tests.support.server import LiveServer, start_server


def _test(user: TestUser, credential_type: str, values: dict[str, Any], setting_id: str | None = None) -> Any:
    request = IntegrationTestRequest(
        credential_type=credential_type,
        credential_values=[{"key": k, "value": v} for k, v in values.items()],  # type: ignore[misc]
        setting_id=setting_id,
    )
    return user.client.integrations.test(request, IntegrationTestResponse)


def _failure(excinfo: pytest.ExceptionInfo[requests.HTTPError]) -> str:
    response = excinfo.value.response
    assert response.status_code == 400, response.text
    return str(response.json()["error"]["message"])


def test_git_ls_remote_against_a_real_repository(
    make_user: Callable[..., TestUser], git_server: GitServer, live_server: LiveServer
) -> None:
    user = make_user("gitcheck")
    ok = _test(user, "Git", {"url": git_server.repo_url, "token": git_server.token})
    assert ok.success is True and "refs visible" in ok.message

    wrong = "ghp_" + secrets.token_hex(16)
    with pytest.raises(requests.HTTPError) as refused:
        _test(user, "Git", {"url": git_server.repo_url, "token": wrong})
    assert "Git authentication failed" in _failure(refused)

    with pytest.raises(requests.HTTPError) as missing_repo:
        _test(user, "Git", {"url": f"{git_server.base_url}/absent.git", "token": git_server.token})
    assert "not found" in _failure(missing_repo)

    # A stored integration is checked with its stored (decrypted) token.
    created = user.http.post(
        "/v1/settings/user",
        json={
            "project_name": user.email,
            "alias": unique("repo"),
            "credential_type": "Git",
            "credential_values": [
                {"key": "url", "value": git_server.repo_url},
                {"key": "token", "value": git_server.token},
            ],
        },
    ).json()["id"]
    stored = _test(user, "Git", {"token": "**********"}, setting_id=created)
    assert stored.success is True
    assert_not_logged(live_server, git_server.token, wrong)


def test_jira_and_confluence_who_am_i(
    make_user: Callable[..., TestUser], atlassian: Atlassian, live_server: LiveServer
) -> None:
    user = make_user("atl")
    jira = _test(user, "Jira", {"url": atlassian.url, "token": atlassian.token})
    assert jira.message == "Connected to Jira as Jane Doe."
    cloud = _test(user, "Jira", {"url": atlassian.url, "username": atlassian.username, "token": atlassian.token})
    assert cloud.success is True
    with pytest.raises(requests.HTTPError) as jira_refused:
        _test(user, "Jira", {"url": atlassian.url, "token": "wrong-token"})
    assert "Jira rejected the credentials (HTTP 401)" in _failure(jira_refused)

    confluence = _test(user, "Confluence", {"url": atlassian.url, "token": atlassian.token})
    assert confluence.message == "Connected to Confluence as Jane Doe."
    with pytest.raises(requests.HTTPError) as anonymous:
        _test(user, "Confluence", {"url": atlassian.url, "token": "wrong-token"})
    assert "anonymous" in _failure(anonymous)

    llm = _test(user, "LiteLLM", {"url": atlassian.url, "api_key": atlassian.token})
    assert llm.message == "Connected to the LLM endpoint: 1 models available."
    assert_not_logged(live_server, atlassian.token)


def test_aws_sts_get_caller_identity(
    make_user: Callable[..., TestUser], aws_sts: AwsSts, live_server: LiveServer
) -> None:
    user = make_user("aws")
    values = {
        "aws_region": "us-east-1",
        "aws_access_key_id": aws_sts.access_key_id,
        "aws_secret_access_key": aws_sts.secret_access_key,
        "aws_endpoint_url": aws_sts.endpoint,
    }
    ok = _test(user, "AWS", values)
    assert ok.message == "Connected to AWS as arn:aws:iam::123456789012:user/codemill-check."
    with pytest.raises(requests.HTTPError) as bad_secret:
        _test(user, "AWS", {**values, "aws_secret_access_key": "x" * 40})
    assert "AWS rejected the credentials (SignatureDoesNotMatch)" in _failure(bad_secret)
    with pytest.raises(requests.HTTPError) as bad_key:
        _test(user, "AWS", {**values, "aws_access_key_id": "AKIAUNKNOWNUNKNOWN00"})
    assert "InvalidClientTokenId" in _failure(bad_key)
    assert_not_logged(live_server, aws_sts.secret_access_key)


@pytest.fixture(scope="module")
def guarded_server(server_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    """A server with the default outbound policy: private and loopback addresses refused."""
    server = start_server(
        {**server_env, "CODEMILL_ALLOW_PRIVATE_NETWORK": "false"}, artifacts_dir / "logs" / "guarded-server.log"
    )
    yield server
    server.stop()


def test_private_addresses_are_refused(
    guarded_server: LiveServer, git_server: GitServer, atlassian: Atlassian, admin_client: Any
) -> None:
    before = len(git_server.requests)
    with httpx.Client(base_url=guarded_server.url, headers={"Authorization": f"Bearer {admin_client.token}"}) as http:
        checks = [
            ("Git", {"url": git_server.repo_url, "token": git_server.token}),
            ("Jira", {"url": atlassian.url, "token": atlassian.token}),
            ("Jira", {"url": f"http://localhost:{atlassian.url.rsplit(':', 1)[1]}", "token": atlassian.token}),
            ("Confluence", {"url": "http://169.254.169.254", "token": "t"}),
            ("Jira", {"url": "http://[::ffff:127.0.0.1]:1", "token": "t"}),
        ]
        for credential_type, values in checks:
            body = {
                "credential_type": credential_type,
                "credential_values": [{"key": k, "value": v} for k, v in values.items()],
            }
            response = http.post("/v1/settings/test/", json=body, timeout=30)
            assert response.status_code == 400, response.text
            message = response.json()["error"]["message"]
            assert "private or loopback address" in message and "disabled on this server" in message
    assert len(git_server.requests) == before, "a refused check reached the repository"
