"""Through the API on a live server: a member of a project uses its shared Jira assistant with their own
Jira integration once they map it (the assistant user mapping), and the project's until then."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration, IntegrationType

from tests.conftest import TestUser, unique
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.server import LiveServer
from tests.toolkits.atlassian_rest import AtlassianRest

from .conftest import JIRA_AUTH, JIRA_TOKEN, JIRA_USER
from .live import chat, ended_thoughts, server_http

JIRA = "generic_jira_tool"


def _jira(user: TestUser, project: str, scope: IntegrationType, url: str, username: str, token: str) -> str:
    values = {"url": url, "username": username, "token": token, "is_cloud": True}
    created: dict[str, Any] = user.client.integrations.create(
        Integration(
            project_name=project,
            alias=unique("jira"),
            credential_type=CredentialTypes.JIRA,
            credential_values=[CredentialValues(key=k, value=v) for k, v in values.items()],
            setting_type=scope,
        )
    )
    return str(created["id"])


def test_a_member_chats_with_their_mapped_integration(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    atlassian: AtlassianRest,
) -> None:
    owner, member = make_user("mapped-jira-owner"), make_user("mapped-jira-member")
    project = unique("mapped-jira")
    owner.client.projects.create_project(name=project)
    owner.client.projects.assign_user_to_project(project, member.id, is_project_admin=False)

    projects = _jira(owner, project, IntegrationType.PROJECT, atlassian.url, "bot@example.com", "project-token")
    project_auth = "Basic " + base64.b64encode(b"bot@example.com:project-token").decode()
    mine = _jira(member, project, IntegrationType.USER, atlassian.url, JIRA_USER, JIRA_TOKEN)
    settings = {"id": projects, "project_name": project, "credential_type": "Jira", "credential_values": []}
    with server_http(scripted_server.url, owner) as http:  # the replica that knows the scripted model
        created = http.post(
            "/v1/assistants",
            json={
                "name": unique("shared-jira"),
                "description": "Reads Jira",
                "system_prompt": "You use your tools.",
                "project": project,
                "shared": True,
                "llm_model_type": "scripted",
                "toolkits": [{"toolkit": "Project Management", "tools": [{"name": JIRA, "settings": settings}]}],
            },
        )
    assert created.status_code == 200, created.text
    assistant_id = created.json()["assistantId"]
    scripted.script.plan = [(JIRA, {"method": "GET", "relative_url": "/rest/api/2/issue/PAY-1"})]

    def calls_made_with(conversation: str) -> tuple[str, bool]:
        before = len(atlassian.state.requests)
        with server_http(scripted_server.url, member) as http:
            (thought,) = ended_thoughts(chat(http, assistant_id, conversation, "What is PAY-1?"))
        (call,) = atlassian.state.requests[before:]
        return call[2], thought["error"]

    # Until the member maps theirs, the assistant's (the project's) integration is used.
    assert calls_made_with(f"unmapped-{member.id[:8]}") == (project_auth, True)
    member.client.assistants.save_user_mapping(assistant_id, [{"name": "Jira", "integration_id": mine}])
    assert calls_made_with(f"mapped-{member.id[:8]}") == (JIRA_AUTH, False)
    # A workflow's mapping is not the chat's; forgetting the mapping brings the assistant's back.
    member.client.assistants.save_user_mapping(
        assistant_id, [{"name": "Jira", "integration_id": projects}], workflow_id="wf-x"
    )
    assert calls_made_with(f"workflow-{member.id[:8]}") == (JIRA_AUTH, False)
    member.client.assistants.delete_user_mapping(assistant_id)
    assert calls_made_with(f"forgot-{member.id[:8]}") == (project_auth, True)
    assert member.client.assistants.get_user_mapping(assistant_id)["tools_config"] == []
