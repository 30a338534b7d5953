"""Integrations through the CodeMie SDK against a live server: scopes, masking, defaults, updates."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
import requests
from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration, IntegrationType

from tests.conftest import TestUser, unique
from tests.support.server import LiveServer

MASK = "**********"


def git_integration(
    project: str, alias: str, token: str, url: str = "https://git.example.com/team/app.git", **extra: object
) -> Integration:
    return Integration(
        project_name=project,
        alias=alias,
        credential_type=CredentialTypes.GIT,
        credential_values=[CredentialValues(key="url", value=url), CredentialValues(key="token", value=token)],
        **extra,  # type: ignore[arg-type]
    )


def values_of(integration: Integration) -> dict[str, object]:
    return {v.key: v.value for v in integration.credential_values}


def assert_not_logged(server: LiveServer, *secret_values: str) -> None:
    log = server.log()
    assert log, "the live server's log is empty"
    for secret in secret_values:
        assert secret not in log, "a secret reached the server log"


def shared_project(owner: TestUser, member: TestUser) -> str:
    name = unique("integ")
    owner.client.projects.create_project(name=name)
    owner.client.projects.assign_user_to_project(name, member.id, is_project_admin=False)
    return name


def test_user_git_integration_is_listed_masked(make_user: Callable[..., TestUser], live_server: LiveServer) -> None:
    user = make_user("gituser")
    token = "ghp_" + secrets.token_hex(20)
    alias = unique("git")
    created = user.client.integrations.create(git_integration(user.email, alias, token))
    assert created["message"] == "Specified credentials saved" and created["id"]

    listed = user.client.integrations.list(IntegrationType.USER, per_page=100)
    mine = next(i for i in listed if i.alias == alias)
    assert mine.id == created["id"] and mine.setting_type == IntegrationType.USER
    assert mine.project_name == user.email and mine.user_id == user.id
    assert values_of(mine) == {"url": "https://git.example.com/team/app.git", "token": MASK}
    assert user.client.integrations.get_by_alias(alias).id == mine.id
    raw = user.http.get("/v1/settings/user", params={"per_page": 100}).json()
    assert token not in str(raw) and raw["pagination"]["total"] >= 1
    assert_not_logged(live_server, token)


def test_project_integration_members_use_but_cannot_read_or_manage(
    make_user: Callable[..., TestUser], live_server: LiveServer
) -> None:
    admin, member, outsider = make_user("padmin"), make_user("pmember"), make_user("poutsider")
    project = shared_project(admin, member)
    token = "jira_" + secrets.token_hex(20)
    alias = unique("jira")
    created = admin.client.integrations.create(
        Integration(
            project_name=project,
            alias=alias,
            credential_type=CredentialTypes.JIRA,
            credential_values=[
                CredentialValues(key="url", value="https://jira.example.com"),
                CredentialValues(key="token", value=token),
            ],
            setting_type=IntegrationType.PROJECT,
        )
    )
    # The project admin lists it (masked) among project integrations.
    managed = admin.client.integrations.list(IntegrationType.PROJECT, per_page=100)
    assert values_of(next(i for i in managed if i.id == created["id"]))["token"] == MASK

    # A member may use it: it is offered among the available ones, masked; it is not theirs to manage.
    available = member.client.integrations.list_available()
    offered = next(i for i in available if i.id == created["id"])
    assert offered.setting_type == IntegrationType.PROJECT and values_of(offered)["token"] == MASK
    assert created["id"] not in {i.id for i in member.client.integrations.list(IntegrationType.PROJECT, per_page=100)}
    offered.alias = "renamed"
    with pytest.raises(requests.HTTPError) as forbidden:
        member.client.integrations.update(created["id"], offered)
    assert forbidden.value.response.status_code == 403
    with pytest.raises(requests.HTTPError) as forbidden_delete:
        member.client.integrations.delete(created["id"], IntegrationType.PROJECT)
    assert forbidden_delete.value.response.status_code == 403
    in_project = member.http.get("/v1/settings/user/available", params={"project": project}).json()
    assert created["id"] in {i["id"] for i in in_project}

    # A member of another project sees nothing of it, and its id does not exist for them.
    assert created["id"] not in {i.id for i in outsider.client.integrations.list_available()}
    assert created["id"] not in {i.id for i in outsider.client.integrations.list(IntegrationType.PROJECT)}
    with pytest.raises(requests.HTTPError) as hidden:
        outsider.client.integrations.update(created["id"], offered)
    assert hidden.value.response.status_code == 404
    assert outsider.http.get("/v1/settings/user/available", params={"project": project}).status_code == 404

    # Members cannot create project integrations; the admin deletes it.
    with pytest.raises(requests.HTTPError) as member_create:
        member.client.integrations.create(
            git_integration(project, unique("g"), "tok-" + secrets.token_hex(8), setting_type=IntegrationType.PROJECT)
        )
    assert member_create.value.response.status_code == 403
    assert admin.client.integrations.delete(created["id"], IntegrationType.PROJECT)["message"] == (
        "Specified credential removed"
    )
    assert created["id"] not in {i.id for i in member.client.integrations.list_available()}
    assert_not_logged(live_server, token)


def test_update_without_secret_keeps_it_and_masked_secret_is_not_stored(
    make_user: Callable[..., TestUser], live_server: LiveServer
) -> None:
    user = make_user("upd")
    token = "ghp_" + secrets.token_hex(20)
    alias = unique("git")
    integration_id = user.client.integrations.create(git_integration(user.email, alias, token))["id"]
    listed = user.client.integrations.get(integration_id)

    # Send back what was listed (masked token) with a new URL: the token stays.
    listed.credential_values = [
        CredentialValues(key="url", value="https://git.example.com/team/other.git"),
        CredentialValues(key="token", value=MASK),
    ]
    assert user.client.integrations.update(integration_id, listed)["message"] == "Specified credentials updated"
    # Leave the token out entirely: it stays too.
    listed.credential_values = [CredentialValues(key="url", value="https://git.example.com/team/third.git")]
    user.client.integrations.update(integration_id, listed)
    after = user.client.integrations.get(integration_id)
    assert values_of(after) == {"url": "https://git.example.com/team/third.git", "token": MASK}
    # Clearing a required secret is refused, and changes nothing.
    listed.credential_values = [
        CredentialValues(key="url", value="https://x.example.com/a.git"),
        CredentialValues(key="token", value=""),
    ]
    with pytest.raises(requests.HTTPError) as missing:
        user.client.integrations.update(integration_id, listed)
    assert missing.value.response.status_code == 422 and "token" in missing.value.response.json()["error"]["message"]
    assert values_of(user.client.integrations.get(integration_id))["url"] == "https://git.example.com/team/third.git"
    assert_not_logged(live_server, token)


def test_default_is_one_per_type_and_scope(make_user: Callable[..., TestUser]) -> None:
    user = make_user("defaults")
    first = user.client.integrations.create(
        git_integration(user.email, unique("a"), "t1-" + secrets.token_hex(8), default=True)
    )["id"]
    second = user.client.integrations.create(
        git_integration(user.email, unique("b"), "t2-" + secrets.token_hex(8), default=True)
    )["id"]
    # A global one has its own default.
    global_one = user.client.integrations.create(
        git_integration(user.email, unique("c"), "t3-" + secrets.token_hex(8), default=True, is_global=True)
    )["id"]
    by_id = {i.id: i for i in user.client.integrations.list(IntegrationType.USER, per_page=100)}
    assert (by_id[first].default, by_id[second].default, by_id[global_one].default) == (False, True, True)
    assert by_id[global_one].is_global is True


def test_plugin_key_is_generated_shown_once_and_masked(
    make_user: Callable[..., TestUser], live_server: LiveServer
) -> None:
    user = make_user("plugin")
    created = user.client.integrations.create(
        Integration(
            project_name=user.email, alias=unique("plug"), credential_type=CredentialTypes.PLUGIN, credential_values=[]
        )
    )
    key = created["plugin_key"]
    assert isinstance(key, str) and len(key) >= 32
    listed = user.client.integrations.get(created["id"])
    assert values_of(listed) == {"plugin_key": MASK}
    assert key not in str(user.http.get("/v1/settings/user", params={"per_page": 100}).json())
    # Updating (alias only) keeps the key and never shows it again.
    listed.alias = unique("renamed")
    updated = user.client.integrations.update(created["id"], listed)
    assert "plugin_key" not in updated
    assert_not_logged(live_server, key)
