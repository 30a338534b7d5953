"""/v1/assistants/{id}/users/mapping through the SDK: a user of a shared assistant maps its tool slots to
their own integrations (per assistant, or per workflow), and only to integrations they may use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration, IntegrationType

from tests.conftest import TestUser, unique
from tests.conversations.support import new_assistant


def _jira(user: TestUser, project: str, scope: IntegrationType = IntegrationType.USER) -> str:
    created: dict[str, Any] = user.client.integrations.create(
        Integration(
            project_name=project,
            alias=unique("jira"),
            credential_type=CredentialTypes.JIRA,
            credential_values=[
                CredentialValues(key="url", value="https://jira.example.com"),
                CredentialValues(key="token", value="t0ken"),
            ],
            setting_type=scope,
        )
    )
    return str(created["id"])


def _shared_assistant(make_user: Callable[..., TestUser]) -> tuple[TestUser, TestUser, str, str]:
    owner, member = make_user("mapping-owner"), make_user("mapping-member")
    project = unique("mapping")
    owner.client.projects.create_project(name=project)
    owner.client.projects.assign_user_to_project(project, member.id, is_project_admin=False)
    return owner, member, project, new_assistant(owner, project=project, shared=True)


def test_a_member_maps_their_own_integration(make_user: Callable[..., TestUser]) -> None:
    owner, member, project, assistant_id = _shared_assistant(make_user)
    empty = member.client.assistants.get_user_mapping(assistant_id)
    assert empty["id"] == "" and empty["tools_config"] == [] and empty["has_assistant_scope_selection"] is False
    assert (empty["assistant_id"], empty["user_id"]) == (assistant_id, member.id)

    mine = _jira(member, project)
    shared = _jira(owner, project, IntegrationType.PROJECT)
    saved = member.client.assistants.save_user_mapping(
        assistant_id, [{"name": "Jira", "integration_id": mine}, {"name": "Confluence", "integration_id": ""}]
    )
    assert saved == {"message": "Mappings created or updated successfully"}
    got = member.client.assistants.get_user_mapping(assistant_id)
    assert got["tools_config"] == [
        {"name": "Jira", "integration_id": mine},
        {"name": "Confluence", "integration_id": ""},
    ]
    assert got["id"] and got["has_assistant_scope_selection"] is True and got["workflow_id"] is None
    # Saving again replaces the slots; the project's own integration may be mapped too.
    member.client.assistants.save_user_mapping(assistant_id, [{"name": "Jira", "integration_id": shared}])
    again = member.client.assistants.get_user_mapping(assistant_id)
    assert again["id"] == got["id"] and again["tools_config"] == [{"name": "Jira", "integration_id": shared}]
    # Each user has their own: the owner sees none.
    assert owner.client.assistants.get_user_mapping(assistant_id)["tools_config"] == []

    assert member.client.assistants.delete_user_mapping(assistant_id) == {"message": "Mappings deleted successfully"}
    assert member.client.assistants.get_user_mapping(assistant_id)["id"] == ""


def test_only_integrations_the_user_may_use_are_mapped(make_user: Callable[..., TestUser]) -> None:
    owner, member, project, assistant_id = _shared_assistant(make_user)
    owners_own = _jira(owner, project)
    elsewhere = unique("mapping-other")
    member.client.projects.create_project(name=elsewhere)
    other_projects = _jira(member, elsewhere, IntegrationType.PROJECT)
    for integration_id in (owners_own, other_projects, "no-such-integration"):
        with pytest.raises(requests.HTTPError) as refused:
            member.client.assistants.save_user_mapping(
                assistant_id, [{"name": "Jira", "integration_id": integration_id}]
            )
        assert refused.value.response is not None and refused.value.response.status_code == 403
        body = member.http.post(
            f"/v1/assistants/{assistant_id}/users/mapping",
            json={"tools_config": [{"name": "Jira", "integration_id": integration_id}]},
        )
        assert body.status_code == 403 and body.json()["error"]["message"] == "Integration is not accessible"
    assert member.client.assistants.get_user_mapping(assistant_id)["tools_config"] == []

    # Only the assistant's users map: to anyone else it does not exist.
    stranger = make_user("mapping-stranger")
    for response in (
        stranger.http.get(f"/v1/assistants/{assistant_id}/users/mapping"),
        stranger.http.post(f"/v1/assistants/{assistant_id}/users/mapping", json={"tools_config": []}),
        stranger.http.delete(f"/v1/assistants/{assistant_id}/users/mapping"),
        member.http.get("/v1/assistants/no-such-assistant/users/mapping"),
    ):
        assert response.status_code == 404 and response.json()["error"]["message"] == "Assistant not found"
    bad = member.http.post(f"/v1/assistants/{assistant_id}/users/mapping", json={"tools_config": [{"name": ""}]})
    assert bad.status_code == 422


def test_a_workflow_mapping_overrides_the_assistants_slots(make_user: Callable[..., TestUser]) -> None:
    _owner, member, project, assistant_id = _shared_assistant(make_user)
    first, second = _jira(member, project), _jira(member, project)
    api = member.client.assistants
    api.save_user_mapping(
        assistant_id, [{"name": "Jira", "integration_id": first}, {"name": "Git", "integration_id": ""}]
    )
    api.save_user_mapping(assistant_id, [{"name": "Jira", "integration_id": second}], workflow_id="wf-1")

    # Outside the workflow only the assistant's mapping counts; inside it, the workflow's slot wins.
    assert api.get_user_mapping(assistant_id)["tools_config"][0] == {"name": "Jira", "integration_id": first}
    inside = api.get_user_mapping(assistant_id, workflow_id="wf-1")
    assert inside["workflow_id"] == "wf-1" and inside["has_assistant_scope_selection"] is True
    assert inside["tools_config"] == [
        {"name": "Jira", "integration_id": second},
        {"name": "Git", "integration_id": ""},
    ]
    # Applied to the assistant: the workflow's own mapping goes, the assistant's takes its slots.
    api.save_user_mapping(
        assistant_id, [{"name": "Jira", "integration_id": second}], workflow_id="wf-1", apply_to_assistant_scope=True
    )
    assert api.get_user_mapping(assistant_id)["tools_config"] == [{"name": "Jira", "integration_id": second}]
    assert api.get_user_mapping(assistant_id, workflow_id="wf-1")["tools_config"] == [
        {"name": "Jira", "integration_id": second}
    ]
    # Deleting a workflow's mapping leaves the assistant's.
    api.save_user_mapping(assistant_id, [{"name": "Jira", "integration_id": first}], workflow_id="wf-1")
    api.delete_user_mapping(assistant_id, workflow_id="wf-1")
    assert api.get_user_mapping(assistant_id, workflow_id="wf-1")["tools_config"] == [
        {"name": "Jira", "integration_id": second}
    ]
