"""Azure DevOps work items, wiki and test plans through a chat on a live server, against a stand-in that
speaks their REST APIs (PAT, api-version, json-patch and ETag checked)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
from codemie_sdk.models.assistant import AssistantCreateRequest
from codemie_sdk.models.integration import CredentialTypes

from tests.conftest import TestUser, unique
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.server import LiveServer
from tests.toolkits.ado_rest import AzureDevOpsBoards

from .live import chat, create_integration, ended_thoughts, server_http

PAT = "ado-boards-pat"


def _assistant(user: TestUser, http: httpx.Client, integration_id: str) -> str:
    settings = {"id": integration_id, "project_name": user.email, "credential_type": "AzureDevOps",
                "credential_values": []}  # fmt: skip
    request = AssistantCreateRequest(
        name=unique("ado-assistant"),
        description="Works on Azure Boards",
        system_prompt="You use your tools.",
        project=user.email,
        llm_model_type="scripted",
        toolkits=[
            {"toolkit": kit, "tools": [], "settings": settings}
            for kit in ("Azure DevOps Work Item", "Azure DevOps Wiki", "Azure DevOps Test Plan")
        ],
        tool_permissions={"tool_call_policy": "auto_approve"},
    )
    response = http.post("/v1/assistants", json=request.model_dump(mode="json", exclude_none=True))
    assert response.status_code == 200, response.text
    return str(response.json()["assistantId"])


def test_work_items_wiki_and_test_plans(
    scripted_server: LiveServer, scripted: ScriptedModelServer, make_user: Callable[..., TestUser]
) -> None:
    user = make_user("ado-boards")
    boards = AzureDevOpsBoards("contoso", PAT)
    try:
        integration_id = create_integration(
            user, CredentialTypes.AZURE_DEVOPS, url=boards.url, organization="contoso", project="Shop", token=PAT
        )
        wiql = "SELECT [System.Id] FROM WorkItems WHERE [System.State] = 'Active'"
        scripted.script.plan = [
            ("search_work_items", {"query": wiql}),
            ("get_work_item", {"id": "2"}),
            ("create_work_item", {"work_item_type": "Bug", "fields": json.dumps({"System.Title": "Cart empties"})}),
            ("update_work_item", {"id": 1, "fields": {"System.State": "Resolved"}}),
            ("add_work_item_comment", {"id": "1", "comment": "Fixed in 2.4.1"}),
            ("get_work_item", {"id": "99"}),
            ("get_wiki_page_by_path", {"wiki_identified": "Shop.wiki", "page_name": "/Runbooks/Deploy"}),
            ("modify_wiki_page", {"wiki_identified": "Shop.wiki", "page_name": "/Runbooks/Deploy",
                                  "page_content": "Deploy with `make release` after the freeze."}),
            ("modify_wiki_page", {"wiki_identified": "Shop.wiki", "page_name": "/Runbooks/Rollback",
                                  "page_content": "Roll back with `make rollback`."}),
            ("get_wiki_page_by_id", {"wiki_identified": "Shop.wiki", "page_id": "7"}),
            ("get_test_plan", {}),
            ("get_test_plan", {"plan_id": "11"}),
            ("get_test_suite", {"plan_id": "11"}),
            ("get_test_cases", {"plan_id": "11", "suite_id": "12"}),
        ]  # fmt: skip
        with server_http(scripted_server.url, user) as http:
            assistant_id = _assistant(user, http, integration_id)
            lines = chat(http, assistant_id, f"ado-{user.id[:8]}", "Triage the active bugs")
        out = ended_thoughts(lines)
        assert len(out) == 14
        (search, task, created, updated, commented, missing, page, edited, new_page, by_id, plans, plan, suites,
         cases) = out  # fmt: skip
        assert "Login fails on Safari" in search["message"] and "Rotate the TLS" not in search["message"]
        assert "Rotate the TLS certificate" in task["message"]
        assert created["error"] is False and '"System.Title":"Cart empties"' in created["message"]
        assert boards.state.items[3]["fields"] == {"System.Title": "Cart empties", "System.WorkItemType": "Bug"}
        assert updated["error"] is False and boards.state.items[1]["fields"]["System.State"] == "Resolved"
        assert commented["error"] is False and boards.state.comments == {1: ["Fixed in 2.4.1"]}
        assert missing["error"] is True and "HTTP 404" in missing["message"]
        assert "make release" in page["message"]
        assert edited["error"] is False and boards.state.pages["/Runbooks/Deploy"]["version"] == 2
        assert "after the freeze" in boards.state.pages["/Runbooks/Deploy"]["content"]
        assert new_page["error"] is False and "make rollback" in boards.state.pages["/Runbooks/Rollback"]["content"]
        assert "after the freeze" in by_id["message"]
        assert "Release 2.4" in plans["message"] and '"state":"Active"' in plan["message"]
        assert "Checkout regression" in suites["message"] and "Pay with a saved card" in cases["message"]
        # Every call went to the integration's project.
        assert all(path.startswith("/contoso/Shop/_apis/") for _, path in boards.state.requests)
    finally:
        boards.close()
