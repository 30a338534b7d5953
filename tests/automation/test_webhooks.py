"""Webhooks: a signed call (GitHub's HMAC signature, GitLab's token) starts a workflow run and a datasource
reindex as jobs, payload fields reach the prompt through the template; wrong secrets are refused and leave
no run behind."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable

from codemie_sdk.models.datasource import FileDataSourceRequest
from codemie_sdk.models.integration import CredentialTypes

from tests.automation.support import ONE_STATE, create_trigger, runs, wait_run
from tests.conftest import TestUser
from tests.conversations.support import new_assistant
from tests.datasources.support import ds_name, wait_for
from tests.workflows.support import create

MERGE_REQUEST = {"object_kind": "merge_request", "object_attributes": {"title": "Fix the login page", "iid": 7}}


def _signed(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_signed_webhook_starts_a_workflow_and_a_wrong_signature_is_refused(
    make_user: Callable[..., TestUser], live_server: object
) -> None:
    user = make_user("hook-wf")
    workflow_id = create(user.client, user.email, ONE_STATE)
    webhook_id = f"wf-{uuid.uuid4().hex[:10]}"
    secret = "s3cret-" + uuid.uuid4().hex
    integration_id = create_trigger(
        user, CredentialTypes.WEBHOOK,
        webhook_id=webhook_id, github_webhook_secret=secret, resource_type="workflow", resource_id=workflow_id,
        prompt="Merge request {{ payload.object_attributes.iid }}: {{ payload.object_attributes.title }}",
    )  # fmt: skip
    body = json.dumps(MERGE_REQUEST).encode()

    wrong = user.client.webhook.trigger(
        webhook_id, MERGE_REQUEST, extra_headers={"X-Hub-Signature-256": _signed("not-the-secret", body)}
    )
    assert wrong.status_code == 401, wrong.text
    assert wrong.json()["error"]["message"] == "Invalid webhook signature"
    unsigned = user.client.webhook.trigger(webhook_id, MERGE_REQUEST)
    assert unsigned.status_code == 401, unsigned.text
    assert runs(user.http, integration_id) == []

    # The SDK sends json=data: the same bytes json.dumps gives, which is what GitHub signs.
    accepted = user.client.webhook.trigger(
        webhook_id,
        MERGE_REQUEST,
        extra_headers={"X-Hub-Signature-256": _signed(secret, body), "X-GitHub-Event": "push"},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "queued"

    run = wait_run(user.http, integration_id)
    assert run["status"] == "succeeded", run
    assert run["trigger"] == "webhook" and run["resource_type"] == "workflow"
    assert run["duration_ms"] is not None and run["finished_at"] is not None
    execution = user.client.workflows.executions(workflow_id).get(run["result"]["execution_id"])
    assert execution.prompt == "Merge request 7: Fix the login page"
    assert [r["id"] for r in runs(user.http, integration_id)] == [accepted.json()["run_id"]]


def test_gitlab_token_webhook_reindexes_a_datasource(make_user: Callable[..., TestUser], live_server: object) -> None:
    user = make_user("hook-ds")
    created = user.client.datasources.create_file_datasource(
        FileDataSourceRequest(name=ds_name("hook"), project_name=user.email, description="d"),
        [("a.txt", b"alpha document about apples", "text/plain")],
    )
    wait_for(user.http, created["id"])
    webhook_id = f"ds-{uuid.uuid4().hex[:10]}"
    integration_id = create_trigger(
        user, CredentialTypes.WEBHOOK,
        webhook_id=webhook_id, secure_header_name="X-Gitlab-Token", secure_header_value="gl-token",
        resource_type="datasource", resource_id=created["id"],
    )  # fmt: skip

    refused = user.client.webhook.trigger(webhook_id, {"ref": "main"}, extra_headers={"X-Gitlab-Token": "nope"})
    assert refused.status_code == 401, refused.text
    accepted = user.client.webhook.trigger(
        webhook_id, {"ref": "main"}, extra_headers={"X-Gitlab-Token": "gl-token", "X-Gitlab-Event": "Push Hook"}
    )
    assert accepted.status_code == 200, accepted.text

    run = wait_run(user.http, integration_id)
    assert run["status"] == "succeeded", run
    assert run["result"]["datasource_id"] == created["id"] and run["result"]["mode"] == "incremental"
    assert wait_for(user.http, created["id"])["status"] == "indexed"
    assert len(runs(user.http, integration_id)) == 1


def test_webhook_without_a_secret_or_unknown_accepts_nothing(
    make_user: Callable[..., TestUser], live_server: object
) -> None:
    user = make_user("hook-open")
    webhook_id = f"open-{uuid.uuid4().hex[:10]}"
    integration_id = create_trigger(
        user, CredentialTypes.WEBHOOK, webhook_id=webhook_id, resource_type="workflow", resource_id="any"
    )
    assert user.client.webhook.trigger(webhook_id).status_code == 403
    assert user.client.webhook.trigger("no-such-hook-" + uuid.uuid4().hex[:6]).status_code == 404
    assert runs(user.http, integration_id) == []
    other = make_user("hook-other")
    assert other.http.get("/v1/automation/runs", params={"integration_id": integration_id}).status_code == 404


def test_webhook_asks_an_assistant_with_the_payload_in_its_prompt(
    make_user: Callable[..., TestUser], live_server: object
) -> None:
    user = make_user("hook-asst")
    assistant_id = new_assistant(user, system_prompt="You summarise pushes.", prompt_variables=[])
    webhook_id = f"as-{uuid.uuid4().hex[:10]}"
    secret = uuid.uuid4().hex
    integration_id = create_trigger(
        user, CredentialTypes.WEBHOOK,
        webhook_id=webhook_id, github_webhook_secret=secret, github_event_filter="push, release",
        resource_type="assistant", resource_id=assistant_id,
        prompt="Summarise {{ payload.commits | length }} commits on {{ payload.ref }} ({{ event }})",
    )  # fmt: skip
    push = {"ref": "main", "commits": [{"id": "a1"}, {"id": "b2"}]}
    body = json.dumps(push).encode()

    starred = user.client.webhook.trigger(
        webhook_id, push, extra_headers={"X-Hub-Signature-256": _signed(secret, body), "X-GitHub-Event": "star"}
    )
    assert starred.status_code == 200 and starred.json()["status"] == "skipped"
    assert runs(user.http, integration_id) == []

    pushed = user.client.webhook.trigger(
        webhook_id, push, extra_headers={"X-Hub-Signature-256": _signed(secret, body), "X-GitHub-Event": "push"}
    )
    assert pushed.status_code == 200, pushed.text
    run = wait_run(user.http, integration_id)
    assert run["status"] == "succeeded", run
    # The mock model echoes the question: the rendered prompt reached the assistant.
    assert "Summarise 2 commits on main (push)" in run["result"]["answer"]
    conversation = user.http.get(f"/v1/conversations/{run['result']['conversation_id']}")
    assert conversation.status_code == 200, conversation.text
