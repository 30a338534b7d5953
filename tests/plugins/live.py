"""Helpers for the plugin tests against live servers: keys and assistants made through the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from codemie_sdk.models.assistant import AssistantCreateRequest
from codemie_sdk.models.integration import CredentialTypes, Integration, IntegrationType

from tests.conftest import TestUser, unique
from tests.support.waiting import wait_until


def workspace_in(root: Path) -> Path:
    """A directory a plugin may touch (README.md, src/main.py), a secret beside it, and a HOME for the CLI."""
    (root / "outside-secret.txt").write_text("top secret")
    repo = root / "workspace"
    (repo / "src").mkdir(parents=True)
    (repo / "README.md").write_text("# Hello from the plugin\n")
    (repo / "src" / "main.py").write_text("print('hi')\n")
    (root / "home").mkdir()
    return repo


def create_plugin_key(user: TestUser) -> dict[str, Any]:
    """A Plugin integration made through the SDK: its id, the key (shown once) and the NATS URL."""
    created: dict[str, Any] = user.client.integrations.create(
        Integration(
            project_name=user.email,
            alias=unique("laptop"),
            credential_type=CredentialTypes.PLUGIN,
            credential_values=[],
            setting_type=IntegrationType.USER,
        )
    )
    assert created["id"] and created["plugin_key"] and created["plugin_engine_uri"], created
    return created


def plugin_assistant(
    user: TestUser, tools: tuple[str, ...] = ("Plugin",), llm: str = "mock", http: httpx.Client | None = None
) -> str:
    """An assistant with the Plugin toolkit (its tool "Plugin": every tool of the caller's plugins),
    created through the SDK, or through `http` on another server (whose catalogue has `llm`)."""
    toolkit = {"toolkit": "Plugin", "label": "Plugin", "settings_config": True, "tools": [{"name": n} for n in tools]}
    request = AssistantCreateRequest(
        name=unique("plugin-assistant"),
        description="Works on the user's machine through their plugin",
        system_prompt="You help with the repository on the user's machine.",
        project=user.email,
        llm_model_type=llm,
        toolkits=[toolkit],
    )
    if http is not None:
        response = http.post("/v1/assistants", json=request.model_dump(mode="json", exclude_none=True))
        assert response.status_code == 200, response.text
        assistant_id = response.json()["assistantId"]
    else:
        assistant_id = user.client.assistants.create(request).assistant_id
    assert assistant_id
    return str(assistant_id)


def wait_for_plugin_tools(http: httpx.Client, timeout: float = 60.0) -> list[str]:
    """The caller's plugin tools as the API lists them, once their plugin has connected."""
    last: list[httpx.Response] = []

    def listed() -> list[str] | None:
        last[:] = [http.get("/v1/assistants/plugin_tools")]
        if last[0].status_code == 200:
            return [t["name"] for t in last[0].json()[0]["tools"]]
        assert last[0].status_code == 422, last[0].text
        return None

    return wait_until(listed, timeout=timeout, what=lambda: f"the plugin to connect: {last[0].text if last else ''}")


def records(text: str) -> list[dict[str, Any]]:
    """NDJSON records of a streamed chat."""
    return [json.loads(line) for line in text.splitlines() if line]


def server_http(url: str, user: TestUser) -> httpx.Client:
    """Raw HTTP to another server of the session (same database, same tokens) as this user."""
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {user.client.token}"}, timeout=90)
