"""Helpers for the toolkit tests: integrations and assistants made through the SDK/API, chats streamed."""

from __future__ import annotations

import json
from typing import Any

import httpx
from codemie_sdk.models.assistant import AssistantCreateRequest
from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration, IntegrationType

from tests.conftest import TestUser, unique


def create_integration(user: TestUser, credential_type: CredentialTypes, **values: object) -> str:
    """A user integration through the SDK; its id."""
    created: dict[str, Any] = user.client.integrations.create(
        Integration(
            project_name=user.email,
            alias=unique(str(credential_type.value).lower()),
            credential_type=credential_type,
            credential_values=[CredentialValues(key=k, value=v) for k, v in values.items()],
            setting_type=IntegrationType.USER,
        )
    )
    assert created.get("id"), created
    return str(created["id"])


def create_assistant(
    user: TestUser,
    http: httpx.Client,
    toolkit: str,
    tools: list[str],
    integration_id: str | None = None,
    policy: str | None = None,
    credential_type: str = "Jira",
) -> str:
    """An assistant on the scripted model with one toolkit (its tools pinned to the integration)."""
    settings = (
        {"id": integration_id, "project_name": user.email, "credential_type": credential_type, "credential_values": []}
        if integration_id
        else None
    )
    request = AssistantCreateRequest(
        name=unique("toolkit-assistant"),
        description="Acts on outside services",
        system_prompt="You use your tools.",
        project=user.email,
        llm_model_type="scripted",
        toolkits=[{"toolkit": toolkit, "tools": [{"name": n, "settings": settings} for n in tools]}],
        tool_permissions={"tool_call_policy": policy} if policy else None,
    )
    response = http.post("/v1/assistants", json=request.model_dump(mode="json", exclude_none=True))
    assert response.status_code == 200, response.text
    return str(response.json()["assistantId"])


def records(text: str) -> list[dict[str, Any]]:
    """NDJSON records of a streamed chat."""
    return [json.loads(line) for line in text.splitlines() if line]


def chat(http: httpx.Client, assistant_id: str, conversation_id: str, text: str) -> list[dict[str, Any]]:
    """One streamed chat turn's records."""
    response = http.post(
        f"/v1/assistants/{assistant_id}/model",
        json={"text": text, "stream": True, "conversationId": conversation_id},
    )
    assert response.status_code == 200, response.text
    return records(response.text)


def resume(http: httpx.Client, assistant_id: str, body: dict[str, Any]) -> httpx.Response:
    """POST .../model/tool-call/resume, streamed."""
    return http.post(f"/v1/assistants/{assistant_id}/model/tool-call/resume", json=body)


def ended_thoughts(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The thoughts of the records, as they ended."""
    return [r["thought"] for r in lines if r["thought"] and not r["thought"]["in_progress"]]


def server_http(url: str, user: TestUser) -> httpx.Client:
    """Raw HTTP to another server of the session as this user."""
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {user.client.token}"}, timeout=90)
