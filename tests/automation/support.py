"""Helpers for the automation tests: Webhook/Scheduler integrations through the SDK, waiting on runs."""

from __future__ import annotations

from typing import Any

import httpx
from codemie_sdk.models.integration import CredentialTypes

from tests.conftest import TestUser
from tests.support.waiting import wait_until
from tests.toolkits.live import create_integration

ONE_STATE = """\
assistants:
  - id: reviewer
    system_prompt: You review merge requests.
states:
  - id: review
    assistant_id: reviewer
    task: "Review: {{ user_input }}"
    next: {state_id: end}
"""


def create_trigger(user: TestUser, credential_type: CredentialTypes, **values: object) -> str:
    """A Webhook or Scheduler integration of the user's; its id."""
    return create_integration(user, credential_type, **values)


def runs(http: httpx.Client, integration_id: str) -> list[dict[str, Any]]:
    response = http.get("/v1/automation/runs", params={"integration_id": integration_id})
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def wait_run(http: httpx.Client, integration_id: str, timeout: float = 150.0) -> dict[str, Any]:
    """Poll until the integration has a finished run; that run."""
    seen: list[dict[str, Any]] = []

    def finished() -> dict[str, Any] | None:
        seen[:] = runs(http, integration_id)
        return next((r for r in seen if r["status"] in ("succeeded", "failed")), None)

    return wait_until(finished, timeout=timeout, what=lambda: f"a finished run of {integration_id}: {seen}")
