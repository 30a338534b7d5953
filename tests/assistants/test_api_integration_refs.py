"""Integrations an assistant names by id must be ones the caller may use (auth.policy decides); nothing is
written otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.assistants.support import create
from tests.conftest import TestUser, unique


def _integration(user: TestUser, scope: str, project: str, credential_type: str = "Git") -> str:
    values = [{"key": "url", "value": "https://git.example.com/a.git"}, {"key": "token", "value": "ghp_x"}]
    if credential_type == "Jira":
        values = [{"key": "url", "value": "https://jira.example.com"}, {"key": "token", "value": "jira-x"}]
    response = user.http.post(
        f"/v1/settings/{scope}",
        json={
            "project_name": project,
            "alias": unique(credential_type.lower()),
            "credential_type": credential_type,
            "credential_values": values,
        },
    )
    assert response.status_code == 200, response.text
    integration_id: str = response.json()["id"]
    return integration_id


def _git_toolkit(integration_id: str, credential_type: str = "Git", *, on_tool: bool = False) -> dict[str, Any]:
    # The SDK's Integration shape: the reference, no values.
    ref = {"id": integration_id, "credential_type": credential_type, "project_name": "", "credential_values": []}
    tool: dict[str, Any] = {"name": "git_tool", "settings": ref if on_tool else None}
    return {"toolkit": "Git", "tools": [tool], "settings": None if on_tool else ref}


def _assistant(project: str, **fields: Any) -> dict[str, Any]:
    return {"name": unique("refs"), "system_prompt": "Hi", "llm_model_type": "mock", "project": project, **fields}


def _mine(user: TestUser) -> list[Any]:
    return list(user.http.get("/v1/assistants", params={"scope": "created_by_user"}).json()["data"])


def test_integration_ids_must_be_usable_by_the_caller(make_user: Callable[..., TestUser]) -> None:
    owner, outsider = make_user("refs-owner"), make_user("refs-outsider")
    personal = _integration(owner, "user", owner.email)

    for field, config in (
        ("toolkits.0.settings.id", {"toolkits": [_git_toolkit(personal)]}),
        ("toolkits.0.tools.0.settings.id", {"toolkits": [_git_toolkit(personal, on_tool=True)]}),
        (
            "mcp_servers.0.settings.id",
            {"mcp_servers": [{"name": "m", "settings": {"id": personal, "credential_type": "Git"}}]},
        ),
        ("toolkits.0.settings.id", {"toolkits": [_git_toolkit("no-such-integration")]}),
    ):
        refused = outsider.http.post("/v1/assistants", json=_assistant(outsider.email, **config))
        assert refused.status_code == 404, refused.text
        error = refused.json()["error"]
        assert error["message"] == f"{field}: Integration not found"
        assert error["details"]["field"] == field
    assert _mine(outsider) == []

    # The owner may; the reference is stored, never the values.
    assistant_id = create(owner, toolkits=[_git_toolkit(personal)])
    stored = owner.http.get(f"/v1/assistants/id/{assistant_id}").json()["toolkits"][0]["settings"]
    assert stored["id"] == personal and stored["credential_values"] == []

    # A reference of the wrong type names its field.
    wrong = owner.http.post("/v1/assistants", json=_assistant(owner.email, toolkits=[_git_toolkit(personal, "Jira")]))
    assert wrong.status_code == 422
    assert wrong.json()["error"]["details"]["field"] == "toolkits.0.settings.credential_type"

    # Updating one's own assistant to name someone else's integration: 404, and no new version.
    own_id = create(outsider)
    update = outsider.http.put(
        f"/v1/assistants/{own_id}", json={"name": "n", "system_prompt": "p", "toolkits": [_git_toolkit(personal)]}
    )
    assert update.status_code == 404 and update.json()["error"]["details"]["field"] == "toolkits.0.settings.id"
    assert outsider.client.assistants.get(own_id).version_count == 1
    assert outsider.client.assistants.get(own_id).toolkits[0].settings is None


def test_project_integrations_and_references_kept_on_update(make_user: Callable[..., TestUser]) -> None:
    owner, member, project_admin, outsider = (make_user(p) for p in ("ro", "rm", "ra", "rx"))
    project = unique("refs-team")
    owner.client.projects.create_project(name=project)
    owner.client.projects.assign_user_to_project(project, member.id, is_project_admin=False)
    owner.client.projects.assign_user_to_project(project, project_admin.id, is_project_admin=True)
    shared = _integration(owner, "project", project)
    personal = _integration(owner, "user", owner.email)

    # Members use the project's integrations; outsiders do not see them.
    assert (
        member.http.post("/v1/assistants", json=_assistant(project, toolkits=[_git_toolkit(shared)])).status_code == 200
    )
    outside = outsider.http.post("/v1/assistants", json=_assistant(outsider.email, toolkits=[_git_toolkit(shared)]))
    assert outside.status_code == 404

    # The creator attached their personal integration; a project admin editing the assistant keeps that
    # reference as it is (checked when it was attached), but may not attach it anew elsewhere.
    assistant_id = create(owner, project, toolkits=[_git_toolkit(personal)])
    kept = project_admin.http.put(
        f"/v1/assistants/{assistant_id}",
        json={"name": "edited", "system_prompt": "p", "toolkits": [_git_toolkit(personal), _git_toolkit(shared)]},
    )
    assert kept.status_code == 200, kept.text
    assert [t.settings.id for t in owner.client.assistants.get(assistant_id).toolkits if t.settings] == [
        personal,
        shared,
    ]
    elsewhere = project_admin.http.post("/v1/assistants", json=_assistant(project, toolkits=[_git_toolkit(personal)]))
    assert elsewhere.status_code == 404
