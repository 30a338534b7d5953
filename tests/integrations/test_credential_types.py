"""Every CodeMie credential type through the SDK: created, listed (secrets masked), updated, moved and
deleted at user and project scope; bad fields refused naming the field; secrets never in the server log."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
import requests
from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration, IntegrationType

from tests.conftest import TestUser, unique
from tests.integrations.test_api import MASK, assert_not_logged, values_of
from tests.support.server import LiveServer

PROJECT_ONLY = {CredentialTypes.MS_TEAMS, CredentialTypes.DIAL}
CHOICE_KEYS = {"dialect", "auth_type", "resource_type"}
# Values with a grammar of their own (a cron expression, an IANA zone): an appended "x" would make them invalid.
STRUCTURED_KEYS = {"schedule", "timezone"}


def _secret(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(12)}"


def sample(credential_type: CredentialTypes) -> tuple[dict[str, Any], set[str]]:
    """Valid values for a type, and which of its keys are secret (CodeMie's keys)."""
    s = _secret
    samples: dict[CredentialTypes, tuple[dict[str, Any], set[str]]] = {
        CredentialTypes.JIRA: ({"url": "https://jira.example.com", "token": s("jira"), "is_cloud": False}, {"token"}),
        CredentialTypes.CONFLUENCE: (
            {"url": "https://wiki.example.com", "username": "jane", "token": s("c")},
            {"token"},
        ),
        CredentialTypes.GIT: ({"url": "https://gitlab.example.com/g/r.git", "token": s("glpat")}, {"token"}),
        CredentialTypes.KUBERNETES: (
            {"kubernetes_url": "https://k8s.example.com:6443", "kubernetes_token": s("k8s")},
            {"kubernetes_token"},
        ),
        CredentialTypes.AWS: (
            {"aws_region": "eu-west-1", "aws_access_key_id": s("AKIA"), "aws_secret_access_key": s("aws")},
            {"aws_access_key_id", "aws_secret_access_key"},
        ),
        CredentialTypes.GCP: ({"gcp_api_key": json.dumps({"type": "service_account", "k": s("g")})}, {"gcp_api_key"}),
        CredentialTypes.KEYCLOAK: (
            {"url": "https://kc.example.com/auth", "realm": "r", "client_id": "c", "client_secret": s("kc")},
            {"client_secret"},
        ),
        CredentialTypes.AZURE: (
            {
                "azure_subscription_id": "sub",
                "azure_tenant_id": "ten",
                "azure_client_id": "cli",
                "azure_client_secret": s("az"),
            },
            {"azure_client_secret"},
        ),
        CredentialTypes.ELASTIC: (
            {"url": "https://es.example.com:9200", "elastic_api_key_id": s("id"), "elastic_api_key": s("es")},
            {"elastic_api_key_id", "elastic_api_key"},
        ),
        CredentialTypes.OPENAPI: (
            {"openapi_spec": "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "openapi_api_key": s("o")},
            {"openapi_api_key"},
        ),
        CredentialTypes.PLUGIN: ({"plugin_key": secrets.token_hex(16)}, {"plugin_key"}),
        CredentialTypes.FILESYSTEM: ({"root_directory": "/srv/work"}, set()),
        CredentialTypes.SCHEDULER: (
            {"schedule": "0 9 * * 1-5", "resource_type": "assistant", "resource_id": "a1", "is_enabled": False},
            set(),
        ),
        CredentialTypes.WEBHOOK: (
            {
                "webhook_id": unique("hook"),
                "resource_type": "workflow",
                "resource_id": "w1",
                "secure_header_value": s("wh"),
            },
            {"secure_header_value"},
        ),
        CredentialTypes.EMAIL: (
            {"url": "smtp.example.com:587", "smtp_username": "bot", "smtp_password": s("smtp")},
            {"smtp_password"},
        ),
        CredentialTypes.AZURE_DEVOPS: (
            {"url": "https://dev.azure.com", "organization": "org", "token": s("ado")},
            {"token"},
        ),
        CredentialTypes.SONAR: (
            {"url": "https://sonarcloud.io", "token": s("sq"), "sonar_project_name": "key"},
            {"token"},
        ),
        CredentialTypes.SQL: (
            {
                "dialect": "postgres",
                "url": "db.example.com",
                "port": 5432,
                "database_name": "d",
                "username": "u",
                "password": s("pg"),
            },
            {"password"},
        ),
        CredentialTypes.TELEGRAM: ({"token": f"123:{secrets.token_hex(10)}"}, {"token"}),
        CredentialTypes.ZEPHYR_SCALE: ({"url": "https://api.zephyrscale.smartbear.com/v2", "token": s("z")}, {"token"}),
        CredentialTypes.SERVICE_NOW: ({"url": "https://dev1.service-now.com", "api_key": s("sn")}, {"api_key"}),
        CredentialTypes.DIAL: (
            {"url": "https://dial.example.com", "api_key": s("dial"), "api_version": "v1"},
            {"api_key"},
        ),
        CredentialTypes.A2A: (
            {"url": "https://agent.example.com", "auth_type": "bearer", "auth_value": s("a2a")},
            {"auth_value"},
        ),
        CredentialTypes.MCP: ({"GITHUB_TOKEN": s("ghp"), "GITHUB_HOST": "github.com"}, {"GITHUB_TOKEN", "GITHUB_HOST"}),
        CredentialTypes.LITE_LLM: ({"url": "https://llm.example.com/v1", "api_key": s("sk")}, {"api_key"}),
        CredentialTypes.REPORT_PORTAL: (
            {"url": "https://rp.example.com", "project": "p", "api_key": s("rp")},
            {"api_key"},
        ),
        CredentialTypes.XRAY: (
            {"url": "https://xray.cloud.getxray.app", "client_id": "c", "client_secret": s("xr")},
            {"client_secret"},
        ),
        CredentialTypes.SHAREPOINT: (
            {"url": "https://x.sharepoint.com", "tenant_id": "t", "client_id": "c", "client_secret": s("sp")},
            {"client_secret"},
        ),
        CredentialTypes.GOOGLE_OAUTH: ({"client_id": "c", "refresh_token": s("g")}, {"refresh_token"}),
        CredentialTypes.XWIKI: ({"url": "https://xwiki.example.com", "username": "u", "token": s("xw")}, {"token"}),
        CredentialTypes.MS_TEAMS: ({"assistant_ids": ["a1", "a2"]}, set()),
        CredentialTypes.MS_EXCHANGE: (
            {"tenant_id": "t", "client_id": "c", "client_secret": s("ex")},
            {"client_secret"},
        ),
    }
    return samples[credential_type]


def _integration(
    ctype: CredentialTypes, project: str, alias: str, values: dict[str, Any], scope: IntegrationType
) -> Integration:
    return Integration(
        project_name=project,
        alias=alias,
        credential_type=ctype,
        credential_values=[CredentialValues(key=k, value=v) for k, v in values.items()],
        setting_type=scope,
    )


def _listed(user: TestUser, scope: IntegrationType, alias: str) -> Integration:
    return next(i for i in user.client.integrations.list(scope, per_page=1000) if i.alias == alias)


@pytest.mark.parametrize("ctype", list(CredentialTypes), ids=lambda c: c.value)
def test_every_type_lives_at_both_scopes(
    ctype: CredentialTypes, make_user: Callable[..., TestUser], live_server: LiveServer
) -> None:
    user = make_user("types")
    project = unique("types")
    target = unique("types-to")
    user.client.projects.create_project(name=project)
    user.client.projects.create_project(name=target)
    values, secret_keys = sample(ctype)
    secret_values = [str(values[k]) for k in secret_keys]
    scopes = [IntegrationType.PROJECT] if ctype in PROJECT_ONLY else [IntegrationType.USER, IntegrationType.PROJECT]
    for scope in scopes:
        alias = unique(ctype.value.lower())
        created = user.client.integrations.create(_integration(ctype, project, alias, values, scope))
        assert created["message"] == "Specified credentials saved"

        listed = _listed(user, scope, alias)
        assert listed.credential_type == ctype and listed.setting_type == scope
        shown = values_of(listed)
        for key, value in values.items():
            assert shown[key] == (MASK if key in secret_keys else value), key

        # Update: the secrets come back masked (kept), one plain value changes (or a secret, for all-secret types).
        changed = dict(values) | {k: MASK for k in secret_keys}
        plain = [
            k
            for k in values
            if k not in secret_keys and isinstance(values[k], str) and k not in CHOICE_KEYS | STRUCTURED_KEYS
        ]
        new_secret = _secret("rotated")
        if plain:
            changed[plain[0]] = f"{values[plain[0]]}x"
        elif secret_keys:
            changed[next(iter(secret_keys))] = new_secret
        updated = user.client.integrations.update(listed.id or "", _integration(ctype, project, alias, changed, scope))
        assert updated["message"] == "Specified credentials updated"
        after = values_of(_listed(user, scope, alias))
        assert after == {k: (MASK if k in secret_keys else v) for k, v in changed.items()}

        moved = user.client.integrations.transfer(
            project,
            target,
            "move",
            {
                "user_integrations": scope == IntegrationType.USER,
                "project_integrations": scope == IntegrationType.PROJECT,
            },
            [alias],
        )
        assert moved.transferred_count == 1 and moved.transferred[0].id == listed.id
        assert _listed(user, scope, alias).project_name == target

        removed = user.client.integrations.delete(listed.id or "", scope)
        assert removed["message"] == "Specified credential removed"
        assert all(i.id != listed.id for i in user.client.integrations.list(scope, per_page=1000))
        secret_values.append(new_secret)
    assert_not_logged(live_server, *[v for v in secret_values if len(v) > 8])


def _raw_create(user: TestUser, scope: str, body: dict[str, Any]) -> Any:
    return user.http.post(f"/v1/settings/{scope}", json=body)


@pytest.mark.parametrize(
    ("ctype", "values", "field"),
    [
        ("Sonar", {"url": "https://s.example.com", "token": "t"}, "sonar_project_name"),
        ("SQL", {"dialect": "oracle", "url": "h", "password": "p"}, "dialect"),
        ("SQL", {"dialect": "postgres", "url": "h", "password": "p", "username": "u"}, "database_name"),
        ("Kubernetes", {"kubernetes_url": "https://k", "kubernetes_token": "t", "namespace": "x"}, "namespace"),
        ("Git", {"url": "https://g.example.com/a/b.git", "auth_type": "github_app", "app_id": "1"}, "private_key"),
        ("Email", {"url": "smtp.example.com:25", "auth_type": "ntlm"}, "auth_type"),
        ("Scheduler", {"schedule": "0 * * * *", "resource_type": "robot", "resource_id": "x"}, "resource_type"),
        ("ServiceNow", {"url": "https://sn.example.com", "api_key": {"nested": "no"}}, "api_key"),
        ("Scheduler", {"schedule": "*/5 * * * *", "resource_type": "assistant", "resource_id": "a"}, "schedule"),
        ("Scheduler", {"schedule": "every day", "resource_type": "assistant", "resource_id": "a"}, "schedule"),
        ("Scheduler", {"schedule": "0 25 * * *", "resource_type": "assistant", "resource_id": "a"}, "schedule"),
        (
            "Scheduler",
            {"schedule": "0 * * * *", "timezone": "Mars/Olympus", "resource_type": "assistant", "resource_id": "a"},
            "timezone",
        ),
        ("Webhook", {"webhook_id": "a/b", "resource_type": "assistant", "resource_id": "a"}, "webhook_id"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(
    ctype: str, values: dict[str, Any], field: str, make_user: Callable[..., TestUser]
) -> None:
    user = make_user("badfields")
    body = {
        "project_name": user.email,
        "alias": unique("bad"),
        "credential_type": ctype,
        "credential_values": [{"key": k, "value": v} for k, v in values.items()],
    }
    response = _raw_create(user, "user", body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["details"]["field"] == field
    assert all(i.alias != body["alias"] for i in user.client.integrations.list(IntegrationType.USER, per_page=1000))


def test_project_only_types_are_refused_at_user_scope(make_user: Callable[..., TestUser]) -> None:
    user = make_user("teams")
    body = {
        "project_name": user.email,
        "alias": unique("teams"),
        "credential_type": "MSTeams",
        "credential_values": [{"key": "assistant_ids", "value": ["a1"]}],
    }
    response = _raw_create(user, "user", body)
    assert response.status_code == 400 and "project-scoped only" in response.json()["error"]["message"]
    duplicates = {**body, "credential_values": [{"key": "assistant_ids", "value": ["a1", "a1"]}]}
    project = unique("teams")
    user.client.projects.create_project(name=project)
    refused = _raw_create(user, "project", {**duplicates, "project_name": project})
    assert refused.status_code == 422 and refused.json()["error"]["details"]["field"] == "assistant_ids"


def test_defaults_are_one_per_type_and_scope(make_user: Callable[..., TestUser]) -> None:
    user = make_user("defaults")
    project = unique("defaults")
    user.client.projects.create_project(name=project)
    ids = []
    for _ in range(2):
        values, _keys = sample(CredentialTypes.SONAR)
        integration = _integration(CredentialTypes.SONAR, project, unique("sonar"), values, IntegrationType.PROJECT)
        integration.default = True
        ids.append(user.client.integrations.create(integration)["id"])
    listed = {i.id: i.default for i in user.client.integrations.list(IntegrationType.PROJECT, per_page=1000)}
    assert listed[ids[0]] is False and listed[ids[1]] is True


def test_webhook_ids_and_teams_bots_are_one_of_a_kind(make_user: Callable[..., TestUser]) -> None:
    user = make_user("oneof")
    project = unique("oneof")
    user.client.projects.create_project(name=project)
    hook = {"webhook_id": unique("hook"), "resource_type": "assistant", "resource_id": "a"}
    first = _integration(CredentialTypes.WEBHOOK, project, unique("hook"), hook, IntegrationType.PROJECT)
    user.client.integrations.create(first)
    second = _integration(CredentialTypes.WEBHOOK, project, unique("hook"), hook, IntegrationType.PROJECT)
    with pytest.raises(requests.HTTPError) as taken:
        user.client.integrations.create(second)
    assert taken.value.response.status_code == 409
    assert taken.value.response.json()["error"]["details"]["field"] == "webhook_id"

    bot = {"assistant_ids": ["a1"]}
    user.client.integrations.create(
        _integration(CredentialTypes.MS_TEAMS, project, unique("bot"), bot, IntegrationType.PROJECT)
    )
    with pytest.raises(requests.HTTPError) as again:
        user.client.integrations.create(
            _integration(CredentialTypes.MS_TEAMS, project, unique("bot"), bot, IntegrationType.PROJECT)
        )
    assert (
        again.value.response.status_code == 409 and "already exists" in again.value.response.json()["error"]["message"]
    )
    other = unique("oneof")
    user.client.projects.create_project(name=other)
    user.client.integrations.create(
        _integration(CredentialTypes.MS_TEAMS, other, unique("bot"), bot, IntegrationType.PROJECT)
    )
    with pytest.raises(requests.HTTPError) as moved:
        user.client.integrations.transfer(other, project, "move", {"project_integrations": True})
    assert moved.value.response.status_code == 409
