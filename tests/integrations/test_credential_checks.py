"""POST /v1/settings/test/ for the newer credential types, against real local targets: the session's
PostgreSQL (SQL), a loopback SMTP server (Email), and small servers standing in for the SaaS APIs.
Each type: one success and one refusal, the refusal naming what failed and never echoing a secret."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from codemie_sdk.models.integration import IntegrationTestRequest, IntegrationTestResponse
from sqlalchemy.engine import make_url

from tests.conftest import TestUser, unique
from tests.integrations.targets import OPENAPI_SPEC, saas_app, serve, smtp_server
from tests.integrations.test_api import assert_not_logged
from tests.support.server import LiveServer


@dataclass
class Saas:
    url: str
    token: str


@pytest.fixture(scope="module")
def saas() -> Iterator[Saas]:
    token = "tok-" + secrets.token_hex(16)
    with serve(saas_app(token)) as url:
        yield Saas(url, token)


def _test(user: TestUser, credential_type: str, values: dict[str, Any], setting_id: str | None = None) -> Any:
    request = IntegrationTestRequest(
        credential_type=credential_type,
        credential_values=[{"key": k, "value": v} for k, v in values.items()],  # type: ignore[misc]
        setting_id=setting_id,
    )
    return user.client.integrations.test(request, IntegrationTestResponse)


def _refusal(user: TestUser, credential_type: str, values: dict[str, Any]) -> str:
    with pytest.raises(requests.HTTPError) as refused:
        _test(user, credential_type, values)
    response = refused.value.response
    assert response.status_code == 400, response.text
    return str(response.json()["error"]["message"])


def _cases(s: Saas, wrong: str) -> list[tuple[str, dict[str, Any], dict[str, Any], str, str]]:
    """(type, good values, the values changed to fail, success text, refusal text)."""
    u, t = s.url, s.token
    return [
        (
            "Sonar",
            {"url": u, "token": t, "sonar_project_name": "demo"},
            {"token": wrong},
            "sees project 'demo'",
            "valid=false",
        ),
        (
            "Sonar",
            {"url": u, "token": t, "sonar_project_name": "demo"},
            {"sonar_project_name": "gone"},
            "",
            "project 'gone' was not found",
        ),
        (
            "ServiceNow",
            {"url": u, "api_key": t},
            {"api_key": wrong},
            "Table API accepted",
            "ServiceNow rejected the credentials (HTTP 401)",
        ),
        (
            "Elastic",
            {"url": u, "elastic_api_key_id": "key-id", "elastic_api_key": t},
            {"elastic_api_key": wrong},
            "Elasticsearch 8.13.0",
            "Elasticsearch rejected the credentials (HTTP 401)",
        ),
        (
            "Kubernetes",
            {"kubernetes_url": u, "kubernetes_token": t},
            {"kubernetes_token": wrong},
            "Kubernetes v1.30.0",
            "Kubernetes rejected the credentials (HTTP 401)",
        ),
        (
            "Keycloak",
            {"url": u, "realm": "demo", "client_id": "codemill", "client_secret": t},
            {"client_secret": wrong},
            "realm 'demo'",
            "Keycloak rejected the client credentials (unauthorized_client)",
        ),
        (
            "ReportPortal",
            {"url": u, "project": "demo", "api_key": t},
            {"api_key": wrong},
            "3 launches",
            "ReportPortal rejected the credentials (HTTP 401)",
        ),
        (
            "XWiki",
            {"url": u, "username": "jane", "token": t},
            {"token": wrong},
            "1 wikis visible",
            "XWiki rejected the credentials (HTTP 401)",
        ),
        (
            "ZephyrScale",
            {"url": f"{u}/v2", "token": t},
            {"token": wrong},
            "token is valid",
            "Zephyr Scale rejected the credentials (HTTP 401)",
        ),
        (
            "Xray",
            {"url": u, "client_id": "c", "client_secret": t},
            {"client_secret": wrong},
            "are valid",
            "Xray rejected the credentials (HTTP 401)",
        ),
        (
            "Telegram",
            {"url": u, "token": t},
            {"token": wrong},
            "@codemill_bot",
            "Telegram rejected the bot token (HTTP 401: Unauthorized)",
        ),
        (
            "A2A",
            {"url": u, "auth_type": "bearer", "auth_value": t},
            {"auth_value": wrong},
            "agent 'Helper'",
            "The A2A agent rejected the credentials (HTTP 401)",
        ),
        (
            "OpenAPI",
            {"openapi_spec": f"{u}/openapi.yaml", "openapi_api_key": t, "auth_header_name": "X-Api-Key"},
            {"openapi_api_key": wrong},
            "specification 'Pets'",
            "rejected the credentials (HTTP 401)",
        ),
    ]


def test_saas_credential_checks(make_user: Callable[..., TestUser], saas: Saas, live_server: LiveServer) -> None:
    user = make_user("saascheck")
    wrong = "bad-" + secrets.token_hex(16)
    for ctype, good, bad, success, refusal in _cases(saas, wrong):
        if success:
            ok = _test(user, ctype, good)
            assert ok.success is True and success in ok.message, (ctype, ok.message)
        message = _refusal(user, ctype, good | bad)
        assert refusal in message, (ctype, message)
        assert saas.token not in message and wrong not in message
    assert_not_logged(live_server, saas.token, wrong)


def test_inline_openapi_spec_and_unsupported_checks(make_user: Callable[..., TestUser]) -> None:
    user = make_user("specs")
    assert "'Pets' is valid" in _test(user, "OpenAPI", {"openapi_spec": OPENAPI_SPEC.decode()}).message
    assert "neither an OpenAPI document" in _refusal(user, "OpenAPI", {"openapi_spec": "just: text"})
    mssql = {"dialect": "mssql", "url": "127.0.0.1", "database_name": "d", "username": "u", "password": "p"}
    assert "Testing SQL Server integrations is not supported yet" in _refusal(user, "SQL", mssql)
    with pytest.raises(requests.HTTPError) as untestable:
        _test(user, "GCP", {"gcp_api_key": "{}"})
    assert untestable.value.response.status_code == 422
    assert "Testing is not supported for GCP" in untestable.value.response.json()["error"]["message"]


def test_sql_check_connects_to_postgresql(
    make_user: Callable[..., TestUser], database_url: str, live_server: LiveServer
) -> None:
    url = make_url(database_url)
    user = make_user("sqlcheck")
    good = {
        "dialect": "postgres",
        "url": url.host,
        "port": url.port,
        "database_name": url.database,
        "username": url.username,
        "password": url.password,
    }
    ok = _test(user, "SQL", good)
    assert ok.success is True and "SELECT 1 succeeded" in ok.message
    wrong = "pw-" + secrets.token_hex(12)
    assert "PostgreSQL rejected the user name or password" in _refusal(user, "SQL", good | {"password": wrong})
    missing = _refusal(user, "SQL", good | {"database_name": unique("nodb")})
    assert "does not exist" in missing

    # Stored, then tested by id: the stored (decrypted) password is used.
    created = user.http.post(
        "/v1/settings/user",
        json={
            "project_name": user.email,
            "alias": unique("db"),
            "credential_type": "SQL",
            "credential_values": [{"key": k, "value": v} for k, v in good.items()],
        },
    ).json()["id"]
    assert _test(user, "SQL", {}, setting_id=created).success is True
    assert_not_logged(live_server, str(url.password), wrong)


def test_email_check_logs_in_over_smtp(make_user: Callable[..., TestUser], live_server: LiveServer) -> None:
    user = make_user("smtpcheck")
    password = "smtp-" + secrets.token_hex(12)
    with smtp_server("bot@example.com", password) as address:
        good = {"url": address, "smtp_username": "bot@example.com", "smtp_password": password}
        ok = _test(user, "Email", good)
        assert ok.success is True and "logged in as bot@example.com" in ok.message
        wrong = "nope-" + secrets.token_hex(12)
        message = _refusal(user, "Email", good | {"smtp_password": wrong})
        assert "rejected the user name or password (code 535)" in message
    oauth = {
        "url": "smtp.example.com:587",
        "auth_type": "oauth_azure",
        "oauth_from_email": "a@b",
        "oauth_client_id": "c",
        "oauth_client_secret": "s",
        "oauth_tenant_id": "t",
    }
    assert "OAuth is not supported yet" in _refusal(user, "Email", oauth)
    assert_not_logged(live_server, password, wrong)
