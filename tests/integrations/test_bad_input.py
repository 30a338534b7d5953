"""Bad input to /v1/settings gets a clear 4xx naming the problem, and nothing is written."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import httpx

from tests.conftest import TestUser, unique


def _error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and "Traceback" not in response.text
    return str(body["error"]["message"])


def _count(user: TestUser, scope: str = "user") -> int:
    return int(user.http.get(f"/v1/settings/{scope}", params={"per_page": 1}).json()["pagination"]["total"])


def _git(project: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "project_name": project,
        "alias": unique("git"),
        "credential_type": "Git",
        "credential_values": [
            {"key": "url", "value": "https://git.example.com/a/b.git"},
            {"key": "token", "value": "tok-" + secrets.token_hex(8)},
        ],
        "setting_type": "user",
    }
    body.update(overrides)
    return body


def test_bad_bodies_are_refused_and_nothing_is_written(make_user: Callable[..., TestUser]) -> None:
    user, other = make_user("bad"), make_user("badother")
    project = user.email
    before = _count(user)

    unknown_type = _git(project, credential_type="Telepathy")
    assert "Unknown credential type 'Telepathy'" in _error(user.http.post("/v1/settings/user", json=unknown_type), 422)

    missing = _git(project, credential_values=[{"key": "url", "value": "https://git.example.com/a/b.git"}])
    assert "Missing required credential field(s) for Git: token" in _error(
        user.http.post("/v1/settings/user", json=missing), 422
    )

    unknown_field = _git(project, credential_values=[*_git(project)["credential_values"], {"key": "pin", "value": 1}])
    assert "unknown field 'pin' for Git" in _error(user.http.post("/v1/settings/user", json=unknown_field), 422)

    nested = _git(project, credential_values=[{"key": "url", "value": {"x": 1}}, {"key": "token", "value": "t"}])
    assert "'url' must be a string" in _error(user.http.post("/v1/settings/user", json=nested), 422)

    twice = _git(project, credential_values=[{"key": "token", "value": "a"}, {"key": "token", "value": "b"}])
    assert "given twice" in _error(user.http.post("/v1/settings/user", json=twice), 422)

    assert "alias" in _error(user.http.post("/v1/settings/user", json=_git(project, alias="  ")), 422)
    assert "setting_type" in _error(
        user.http.post("/v1/settings/user", json=_git(project, setting_type="project")), 422
    )
    assert "surprise" in _error(user.http.post("/v1/settings/user", json=_git(project, surprise=True)), 422)

    # A project the caller is not a member of (another user's personal project), and one that does not exist.
    assert _error(user.http.post("/v1/settings/user", json=_git(other.email)), 404) == "Project not found"
    assert _error(user.http.post("/v1/settings/user", json=_git(unique("nope"))), 404) == "Project not found"

    bad_key = {
        "project_name": project,
        "alias": unique("p"),
        "credential_type": "Plugin",
        "credential_values": [{"key": "plugin_key", "value": "short key!"}],
    }
    assert "plugin_key" in _error(user.http.post("/v1/settings/user", json=bad_key), 422)

    assert "filters" in _error(user.http.get("/v1/settings/user", params={"filters": "{nope"}), 422)
    assert _count(user) == before


def test_duplicates_and_other_users_ids(make_user: Callable[..., TestUser]) -> None:
    owner, intruder = make_user("owner"), make_user("intruder")
    body = _git(owner.email)
    created = owner.http.post("/v1/settings/user", json=body)
    assert created.status_code == 200, created.text
    integration_id = created.json()["id"]
    assert "already exists" in _error(owner.http.post("/v1/settings/user", json={**body}), 409)

    # Another user's integration id does not exist for the intruder, whatever they try.
    before = _count(owner)
    change = {**body, "alias": "stolen"}
    assert _error(intruder.http.put(f"/v1/settings/user/{integration_id}", json=change), 404) == "Integration not found"
    assert _error(intruder.http.delete(f"/v1/settings/user/{integration_id}"), 404) == "Integration not found"
    test_it = {"credential_type": "Git", "setting_id": integration_id}
    assert _error(intruder.http.post("/v1/settings/test/", json=test_it), 404) == "Integration not found"
    # A user integration is not found under /settings/project, even by its owner.
    assert _error(owner.http.delete(f"/v1/settings/project/{integration_id}"), 404) == "Integration not found"
    # Its credential type cannot change.
    as_jira = {**body, "credential_type": "Jira"}
    assert "cannot change" in _error(owner.http.put(f"/v1/settings/user/{integration_id}", json=as_jira), 422)
    assert _count(owner) == before
    listed = owner.http.get("/v1/settings/user", params={"per_page": 100}).json()["data"]
    assert next(i for i in listed if i["id"] == integration_id)["alias"] == body["alias"]


def test_test_endpoint_refuses_what_it_cannot_check(make_user: Callable[..., TestUser]) -> None:
    user = make_user("tester")
    assert "not supported for MCP" in _error(
        user.http.post("/v1/settings/test/", json={"credential_type": "MCP", "credential_values": []}), 422
    )
    assert "Unknown credential type" in _error(
        user.http.post("/v1/settings/test/", json={"credential_type": "Nope"}), 422
    )
    created = user.http.post("/v1/settings/user", json=_git(user.email)).json()["id"]
    mismatch = {"credential_type": "Jira", "setting_id": created}
    assert "does not match" in _error(user.http.post("/v1/settings/test/", json=mismatch), 422)
