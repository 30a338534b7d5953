"""POST /v1/settings/transfer through the SDK, and changing one integration's project, with their refusals."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest
import requests
from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration, IntegrationType
from sqlalchemy.engine import make_url

from tests.conftest import TestUser, unique
from tests.integrations.test_api import MASK, values_of

BOTH = {"user_integrations": True, "project_integrations": True}


def _make(
    user: TestUser, scope: IntegrationType, project: str, ctype: CredentialTypes, values: dict[str, Any], **extra: Any
) -> tuple[str, str]:
    alias = unique(ctype.value.lower())
    created = user.client.integrations.create(
        Integration(
            project_name=project,
            alias=alias,
            credential_type=ctype,
            credential_values=[CredentialValues(key=k, value=v) for k, v in values.items()],
            setting_type=scope,
            **extra,
        )
    )
    return str(created["id"]), alias


def _sonar() -> dict[str, Any]:
    return {"url": "https://sonarcloud.io", "token": "sq-" + secrets.token_hex(8), "sonar_project_name": "k"}


def _projects(owner: TestUser, count: int = 2) -> list[str]:
    names = [unique("xfer") for _ in range(count)]
    for name in names:
        owner.client.projects.create_project(name=name)
    return names


def _status(excinfo: pytest.ExceptionInfo[requests.HTTPError]) -> tuple[int, dict[str, Any]]:
    return excinfo.value.response.status_code, excinfo.value.response.json()["error"]


def test_move_keeps_ids_and_copy_skips_webhooks(make_user: Callable[..., TestUser], database_url: str) -> None:
    admin = make_user("xadmin")
    source, target = _projects(admin)
    project_id, project_alias = _make(admin, IntegrationType.PROJECT, source, CredentialTypes.SONAR, _sonar())
    db = make_url(database_url)
    sql = {
        "dialect": "postgres",
        "url": db.host,
        "port": db.port,
        "database_name": db.database,
        "username": db.username,
        "password": db.password,
    }
    user_id, user_alias = _make(admin, IntegrationType.USER, source, CredentialTypes.SQL, sql)
    hook = {"webhook_id": unique("hook"), "resource_type": "assistant", "resource_id": "a"}
    hook_id, hook_alias = _make(admin, IntegrationType.PROJECT, source, CredentialTypes.WEBHOOK, hook)

    copied = admin.client.integrations.transfer(source, target, "copy", BOTH)
    assert copied.transferred_count == 2 and copied.skipped_count == 1
    assert copied.skipped[0].id == hook_id and copied.skipped[0].credential_type == "Webhook"
    assert {item.alias for item in copied.transferred} == {project_alias, user_alias}
    assert all(item.id not in (project_id, user_id) for item in copied.transferred)
    copy_of_sql = next(item.id for item in copied.transferred if item.alias == user_alias)
    listed = {i.id: i for i in admin.client.integrations.list(IntegrationType.USER, per_page=1000)}
    assert listed[copy_of_sql].project_name == target and values_of(listed[copy_of_sql])["password"] == MASK
    # The copy's secrets were sealed afresh: a credential test by its id decrypts them and logs in.
    tested = admin.http.post("/v1/settings/test/", json={"credential_type": "SQL", "setting_id": copy_of_sql})
    assert tested.status_code == 200 and tested.json()["success"] is True, tested.text

    with pytest.raises(requests.HTTPError) as conflict:
        admin.client.integrations.transfer(source, target, "move", BOTH)
    status, error = _status(conflict)
    assert status == 409 and error["message"] == "Alias conflict in target project"

    third = _projects(admin, 1)[0]
    moved = admin.client.integrations.transfer(source, third, "move", {"project_integrations": True}, [hook_alias])
    assert moved.transferred_count == 1 and moved.transferred[0].id == hook_id
    assert (
        next(
            i for i in admin.client.integrations.list(IntegrationType.PROJECT, per_page=1000) if i.id == hook_id
        ).project_name
        == third
    )
    with pytest.raises(requests.HTTPError) as blocked:
        admin.client.integrations.transfer(third, source, "copy", None, [hook_alias])
    assert _status(blocked)[0] == 422 and _status(blocked)[1]["message"] == "Non-transferable integrations in list"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"mode": "move", "type_of_integration": {}}, "Invalid transfer request"),
        ({"mode": "move", "list": []}, "Invalid transfer request"),
        ({"mode": "move", "list": ["nothing-here"]}, "Unknown integration identifiers"),
        (
            {"mode": "move", "type_of_integration": {"user_integrations": True}, "list": ["PROJECT"]},
            "Integration type mismatch",
        ),
        ({"mode": "teleport"}, None),
        ({}, None),
    ],
)
def test_bad_transfer_requests(body: dict[str, Any], message: str | None, make_user: Callable[..., TestUser]) -> None:
    admin = make_user("xbad")
    source, target = _projects(admin)
    _, alias = _make(admin, IntegrationType.PROJECT, source, CredentialTypes.SONAR, _sonar())
    if body.get("list") == ["PROJECT"]:
        body = {**body, "list": [alias]}
    sent = {"source_project_name": source, "target_project_name": target, **body}
    response = admin.http.post("/v1/settings/transfer", json=sent)
    assert response.status_code == 422, response.text
    if message:
        assert response.json()["error"]["message"] == message
    same = admin.http.post(
        "/v1/settings/transfer", json={"source_project_name": source, "target_project_name": source, "mode": "move"}
    )
    assert same.status_code == 422 and "must be different" in str(same.json()["error"]["details"])


def test_transfer_needs_admin_of_both_projects(make_user: Callable[..., TestUser]) -> None:
    owner, member, outsider = make_user("xown"), make_user("xmem"), make_user("xout")
    source, target = _projects(owner)
    owner.client.projects.assign_user_to_project(source, member.id, is_project_admin=False)
    owner.client.projects.assign_user_to_project(target, member.id, is_project_admin=True)
    _make(owner, IntegrationType.PROJECT, source, CredentialTypes.SONAR, _sonar())
    _, member_alias = _make(member, IntegrationType.USER, source, CredentialTypes.SONAR, _sonar())

    with pytest.raises(requests.HTTPError) as forbidden:
        member.client.integrations.transfer(source, target, "move", BOTH)
    assert _status(forbidden)[0] == 403
    with pytest.raises(requests.HTTPError) as hidden:
        outsider.client.integrations.transfer(source, target, "move", BOTH)
    assert _status(hidden)[0] == 404
    with pytest.raises(requests.HTTPError) as absent:
        owner.client.integrations.transfer(source, unique("nowhere"), "move", BOTH)
    assert _status(absent)[0] == 404

    # A project admin moves project integrations and their own; another member's user integration stays.
    with pytest.raises(requests.HTTPError) as not_theirs:
        owner.client.integrations.transfer(source, target, "move", BOTH, [member_alias])
    assert _status(not_theirs)[1]["message"] == "Unknown integration identifiers"
    everything = owner.client.integrations.transfer(source, target, "move", BOTH)
    assert everything.transferred_count == 1
    mine = next(
        i for i in member.client.integrations.list(IntegrationType.USER, per_page=1000) if i.alias == member_alias
    )
    assert mine.project_name == source


def test_changing_one_integrations_project(make_user: Callable[..., TestUser]) -> None:
    owner, member = make_user("cpown"), make_user("cpmem")
    first, second = _projects(owner)
    owner.client.projects.assign_user_to_project(first, member.id, is_project_admin=False)
    owner.client.projects.assign_user_to_project(second, member.id, is_project_admin=False)
    values = _sonar()
    mine_id, mine_alias = _make(member, IntegrationType.USER, first, CredentialTypes.SONAR, values)

    def body(alias: str, project: str, scope: str) -> dict[str, Any]:
        kept = values | {"token": MASK}
        return {
            "project_name": project,
            "alias": alias,
            "credential_type": "Sonar",
            "setting_type": scope,
            "credential_values": [{"key": k, "value": v} for k, v in kept.items()],
        }

    moved = member.http.put(f"/v1/settings/user/{mine_id}", json=body(mine_alias, second, "user"))
    assert moved.status_code == 200, moved.text
    listed = next(i for i in member.client.integrations.list(IntegrationType.USER, per_page=1000) if i.id == mine_id)
    assert listed.project_name == second and values_of(listed)["token"] == MASK

    other = owner.http.put(f"/v1/settings/user/{mine_id}", json=body(mine_alias, first, "user"))
    assert other.status_code == 404

    shared_id, shared_alias = _make(owner, IntegrationType.PROJECT, first, CredentialTypes.SONAR, values)
    by_member = member.http.put(f"/v1/settings/project/{shared_id}", json=body(shared_alias, second, "project"))
    assert by_member.status_code == 403
    lone = _projects(member, 1)[0]
    into_foreign = owner.http.put(f"/v1/settings/project/{shared_id}", json=body(shared_alias, lone, "project"))
    assert into_foreign.status_code == 404
    by_owner = owner.http.put(f"/v1/settings/project/{shared_id}", json=body(shared_alias, second, "project"))
    assert by_owner.status_code == 200
