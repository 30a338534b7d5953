"""Through the API on a live server: an assistant with the Project Management toolkit calls Jira and
Confluence (a REST stand-in); writes wait for the user's approval, run once allowed, never when denied."""

from __future__ import annotations

import json
from collections.abc import Callable

from codemie_sdk import CodeMieClient
from codemie_sdk.models.assistant import (
    AssistantChatRequest,
    AssistantCreateRequest,
    ToolCallAction,
    ToolCallResumeRequest,
)
from codemie_sdk.models.integration import CredentialTypes

from tests.conftest import TestUser, sdk_client, unique
from tests.plugins.scripted_model import ANSWER_HEADER, ScriptedModelServer
from tests.support.server import LiveServer
from tests.toolkits.atlassian_rest import AtlassianRest

from .conftest import JIRA_AUTH, JIRA_TOKEN, JIRA_USER
from .live import chat, create_assistant, create_integration, ended_thoughts, resume, server_http

JIRA = "generic_jira_tool"
CONFLUENCE = "generic_confluence_tool"
NEW_ISSUE = {"fields": {"project": {"key": "PAY"}, "summary": "Refunds stuck", "issuetype": {"name": "Bug"}}}


def _jira(user: TestUser, atlassian: AtlassianRest) -> str:
    return create_integration(
        user, CredentialTypes.JIRA, url=atlassian.url, username=JIRA_USER, token=JIRA_TOKEN, is_cloud=True
    )


def test_the_toolkits_are_listed(live_server: LiveServer, make_user: Callable[..., TestUser]) -> None:
    listed = make_user("lister").http.get("/v1/assistants/tools").json()
    kits = {k["toolkit"]: [t["name"] for t in k["tools"]] for k in listed}
    assert kits["Project Management"] == [JIRA, CONFLUENCE]
    assert kits["Data Management"] == ["sql", "code_executor"]
    assert kits["Research"] == ["web_scrapper"]
    assert kits["VCS"] == ["gitlab", "github", "azure_devops_git"]
    assert kits["Cloud"] == ["AWS", "Kubernetes"]
    assert kits["Git"][:3] == ["list_branches_in_repo", "create_branch", "read_repository_file"]
    assert "Utilities" in kits and "Plugin" in kits


def test_an_assistant_searches_jira_with_the_users_integration(
    admin_client: CodeMieClient,
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    atlassian: AtlassianRest,
) -> None:
    user = make_user("jira-reader")
    integration_id = _jira(user, atlassian)
    scripted.script.plan = [
        (
            JIRA,
            {
                "method": "GET",
                "relative_url": "/rest/api/2/search",
                "params": json.dumps({"jql": "project = PAY"}),
                "api_token": "sk-never-logged",  # a secret-named argument: masked in the audit line
            },
        ),
        (JIRA, {"method": "GET", "relative_url": "/rest/api/2/issue/PAY-404"}),
    ]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(user, http, "Project Management", [JIRA], integration_id)
        lines = chat(http, assistant_id, f"jira-{user.id[:8]}", "What is open in PAY?")
    found, missing = ended_thoughts(lines)
    assert found["error"] is False and "Checkout fails for cards issued abroad" in found["message"]
    assert missing["error"] is True and "HTTP 404" in missing["message"]
    final = lines[-1]
    assert final["last"] is True and final["tool_call_pending"] is None
    assert final["generated"].startswith(ANSWER_HEADER) and "Yen amounts rounded to cents" in final["generated"]
    # The site saw the integration's Cloud credentials (basic email:token) on each call.
    assert ("GET", "/rest/api/2/search", JIRA_AUTH) in atlassian.state.requests
    # The model was offered the tool with CodeMie's arguments.
    offered = {t["function"]["name"]: t["function"] for t in scripted.script.requests[-1]["tools"]}
    assert set(offered[JIRA]["parameters"]["required"]) == {"method", "relative_url"}
    # Every call is audited: user, tool, arguments with secrets masked, result size.
    log = scripted_server.log()
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    audits = [json.loads(r["message"]) for r in records if r.get("logger") == "codemill.audit"]
    mine = [a for a in audits if a["user_id"] == user.id]
    assert [(a["tool"], a["outcome"]) for a in mine] == [(JIRA, "completed"), (JIRA, "error")]
    assert mine[0]["arguments"]["api_token"] == "***" and mine[0]["arguments"]["method"] == "GET"
    assert mine[0]["result_chars"] == len(found["message"])
    assert "sk-never-logged" not in log
    # ...and stored as activity events, which an admin lists through the SDK.
    events = admin_client.activity_events.list_events(actor_id=user.id, domain=["tool_execution"], sort_dir="asc")
    stored = [(e.event_type, e.entity_id, (e.attributes or {}).get("outcome")) for e in events.data]
    assert stored == [("tool_call", JIRA, "completed"), ("tool_call", JIRA, "error")]
    first = events.data[0].attributes or {}
    assert first["arguments"]["api_token"] == "***" and first["result_chars"] == len(found["message"])
    assert events.data[0].actor_email == user.email


def test_a_write_waits_for_approval_and_runs_once_allowed(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    atlassian: AtlassianRest,
) -> None:
    user = make_user("jira-writer")
    integration_id = _jira(user, atlassian)
    scripted.script.plan = [
        (JIRA, {"method": "GET", "relative_url": "/rest/api/2/issue/PAY-1"}),
        (JIRA, {"method": "POST", "relative_url": "/rest/api/2/issue", "params": json.dumps(NEW_ISSUE)}),
    ]
    conversation_id = f"approve-{user.id[:8]}"
    issues_before = set(atlassian.state.issues)
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(user, http, "Project Management", [JIRA], integration_id)
        lines = chat(http, assistant_id, conversation_id, "File a bug about stuck refunds")
        final = lines[-1]
        # The read ran; the write waits: the stream ends with the pending call and nothing reached Jira.
        assert [t["error"] for t in ended_thoughts(lines)] == [False]
        assert final["last"] is True
        pending = final["tool_call_pending"]
        assert pending["tool_name"] == JIRA and pending["tool_args"]["method"] == "POST"
        assert set(atlassian.state.issues) == issues_before
        assert not any(m == "POST" for m, _, _ in atlassian.state.requests)
        # While the turn waits, the question is stored and the answer is in progress (a crash keeps them).
        waiting = user.http.get(f"/v1/conversations/{conversation_id}")
        assert waiting.status_code == 200, waiting.text
        assert [(m["role"], m["status"]) for m in waiting.json()["history"]] == [
            ("User", "success"),
            ("Assistant", "in_progress"),
        ]

        # Another user cannot answer it (404), nor can a wrong call id.
        stranger = make_user("stranger")
        with server_http(scripted_server.url, stranger) as other:
            body = {"conversation_id": conversation_id, "action": "allow"}
            assert resume(other, assistant_id, body).status_code == 404
        wrong = {"conversation_id": conversation_id, "pending_tool_call_id": "call_x", "action": "allow"}
        assert resume(http, assistant_id, wrong).status_code == 404

        allowed = resume(
            http,
            assistant_id,
            {
                "conversation_id": conversation_id,
                "pending_tool_call_id": pending["pending_tool_call_id"],
                "action": "allow",
            },
        )
        assert allowed.status_code == 200, allowed.text
        resumed = [json.loads(line) for line in allowed.text.splitlines() if line]
        # Answered once: a second resume finds nothing to resume.
        again = {"conversation_id": conversation_id, "action": "allow"}
        assert resume(http, assistant_id, again).status_code == 404
    created = set(atlassian.state.issues) - issues_before
    assert len(created) == 1
    key = created.pop()
    assert atlassian.state.issues[key]["fields"]["summary"] == "Refunds stuck"
    (write,) = ended_thoughts(resumed)
    assert write["error"] is False and key in write["message"]
    final = resumed[-1]
    assert final["last"] is True and final["success"] is True and final["tool_call_pending"] is None
    assert key in final["generated"]
    history = user.client.conversations.get_conversation(conversation_id).history
    assert [h.role for h in history] == ["User", "Assistant"]
    assert history[1].thoughts is not None and len(history[1].thoughts) == 2


def test_a_denied_write_never_runs_and_the_model_is_told(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    atlassian: AtlassianRest,
) -> None:
    """All through the SDK (integration, assistant, chat, resume) on the scripted replica."""
    user = make_user("jira-denier")
    sdk = sdk_client(scripted_server, user.email, user.password)
    integration_id = _jira(user, atlassian)
    scripted.script.plan = [
        (JIRA, {"method": "DELETE", "relative_url": "/rest/api/2/issue/PAY-2"}),
    ]
    conversation_id = f"deny-{user.id[:8]}"
    settings = {"id": integration_id, "project_name": user.email, "credential_type": "Jira", "credential_values": []}
    created = sdk.assistants.create(
        AssistantCreateRequest(
            name=unique("jira-deny"),
            description="Triages Jira",
            system_prompt="You use Jira.",
            project=user.email,
            llm_model_type="scripted",
            toolkits=[{"toolkit": "Project Management", "tools": [{"name": JIRA, "settings": settings}]}],
        )
    )
    assistant_id = str(created.assistant_id)
    paused = sdk.assistants.chat(
        assistant_id, AssistantChatRequest(text="Delete PAY-2", conversation_id=conversation_id, stream=False)
    )
    assert paused.thoughts == [] and "PAY-2" in atlassian.state.issues
    denied = sdk.assistants.resume_tool_call(
        assistant_id, ToolCallResumeRequest(conversation_id=conversation_id, action=ToolCallAction.DENY, stream=False)
    )
    assert denied.status_code == 200, denied.text
    answer = denied.json()
    (thought,) = answer["thoughts"]
    assert thought["message"] == "Tool call was denied by the user." and thought["error"] is False
    assert "PAY-2" in atlassian.state.issues
    assert not any(m == "DELETE" for m, _, _ in atlassian.state.requests)
    assert "Tool call was denied by the user." in answer["generated"]
    history = sdk.conversations.get_conversation(conversation_id).history
    assert [h.role for h in history] == ["User", "Assistant"]


def test_an_unattended_assistant_writes_without_asking(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    atlassian: AtlassianRest,
) -> None:
    user = make_user("jira-unattended")
    integration_id = _jira(user, atlassian)
    scripted.script.plan = [
        (JIRA, {"method": "POST", "relative_url": "/rest/api/2/issue/PAY-1/comment", "params": '{"body": "Seen."}'}),
        (
            JIRA,
            {
                "method": "POST",
                "relative_url": "/rest/api/2/issue/PAY-1/transitions",
                "params": '{"transition": {"id": "31"}}',
            },
        ),
    ]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(user, http, "Project Management", [JIRA], integration_id, policy="auto_approve")
        lines = chat(http, assistant_id, f"auto-{user.id[:8]}", "Comment and close PAY-1")
    assert lines[-1]["tool_call_pending"] is None
    assert [t["error"] for t in ended_thoughts(lines)] == [False, False]
    issue = atlassian.state.issues["PAY-1"]["fields"]
    assert issue["comment"]["comments"][-1]["body"] == "Seen." and issue["status"]["name"] == "Done"


def test_confluence_cql_search_and_a_page_update(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    atlassian: AtlassianRest,
) -> None:
    user = make_user("confluence")
    integration_id = create_integration(
        user, CredentialTypes.CONFLUENCE, url=f"{atlassian.url}/wiki", username=JIRA_USER, token=JIRA_TOKEN
    )
    update = {
        "title": "Incident runbook",
        "type": "page",
        "version": {"number": 2},
        "body": {"storage": {"value": "<p>v2</p>", "representation": "storage"}},
    }
    scripted.script.plan = [
        (
            CONFLUENCE,
            {"method": "GET", "relative_url": "/rest/api/content/search", "params": '{"cql": "title ~ incident"}'},
        ),
        (CONFLUENCE, {"method": "PUT", "relative_url": "/rest/api/content/65999", "params": json.dumps(update)}),
    ]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(
            user,
            http,
            "Project Management",
            [CONFLUENCE],
            integration_id,
            policy="auto_approve",
            credential_type="Confluence",
        )
        lines = chat(http, assistant_id, f"wiki-{user.id[:8]}", "Update the runbook")
    search, put = ended_thoughts(lines)
    assert "65999" in search["message"] and put["error"] is False
    assert atlassian.state.pages["65999"]["body"]["storage"]["value"] == "<p>v2</p>"
