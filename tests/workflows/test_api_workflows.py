"""Workflows through the SDK: create, read, list, update with history, delete, prebuilt, access, validation."""

from __future__ import annotations

from collections.abc import Callable

from codemie_sdk.models.workflow import WorkflowUpdateRequest

from tests.conftest import TestUser
from tests.workflows.support import APPROVAL, BRANCHING, create, status_of


def test_create_get_list_update_delete(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("wf-owner")
    workflow_id = create(owner.client, owner.email, BRANCHING)
    got = owner.client.workflows.get(workflow_id)
    assert got.yaml_config == BRANCHING and got.project == owner.email and got.created_by is not None
    assert workflow_id in [w.id for w in owner.client.workflows.list(per_page=50, filter_by_user=True)]

    owner.client.workflows.update(
        workflow_id,
        WorkflowUpdateRequest(project=owner.email, name="renamed", description="new", yaml_config=APPROVAL),
    )
    raw = owner.http.get(f"/v1/workflows/id/{workflow_id}").json()
    assert raw["name"] == "renamed"
    assert [v["yaml_config"] for v in raw["yaml_config_history"]] == [APPROVAL, BRANCHING]

    searched = owner.client.workflows.list(filters={"search": "renamed"}, projects=[owner.email])
    assert [w.id for w in searched] == [workflow_id]

    owner.client.workflows.delete(workflow_id)
    assert status_of(lambda: owner.client.workflows.get(workflow_id)) == 404


def test_private_workflow_is_404_for_another_user(make_user: Callable[..., TestUser]) -> None:
    owner, stranger = make_user("wf-private"), make_user("wf-stranger")
    workflow_id = create(owner.client, owner.email, BRANCHING)
    for call in (
        lambda: stranger.client.workflows.get(workflow_id),
        lambda: stranger.client.workflows.delete(workflow_id),
        lambda: stranger.client.workflows.run(workflow_id, user_input="x"),
        lambda: stranger.client.workflows.executions(workflow_id).list(),
    ):
        assert status_of(call) == 404
    assert workflow_id not in [w.id for w in stranger.client.workflows.list(per_page=100)]


def test_prebuilt_templates_are_valid_workflows(make_user: Callable[..., TestUser]) -> None:
    user = make_user("wf-prebuilt")
    templates = user.client.workflows.get_prebuilt()
    assert len(templates) >= 10
    for template in templates:
        assert template.yaml_config
        verdict = user.http.post("/v1/workflows/validate", json={"yaml_config": template.yaml_config}).json()
        assert verdict["valid"], (template.name, verdict)


def _error(user: TestUser, project: str, yaml_config: str) -> tuple[int, str]:
    response = user.http.post(
        "/v1/workflows", json={"project": project, "name": "bad", "description": "x", "yaml_config": yaml_config}
    )
    return response.status_code, response.json()["error"]["message"]


def test_invalid_yaml_unknown_state_and_unknown_assistant_name_their_line(make_user: Callable[..., TestUser]) -> None:
    user = make_user("wf-invalid")
    status, message = _error(user, user.email, "states:\n  - id: a\n    task: [unclosed\n")
    assert status == 400 and message.startswith("Invalid YAML format was provided") and "line 4" in message

    unknown_state = APPROVAL.replace("{state_id: end}", "{state_id: publish}")
    status, message = _error(user, user.email, unknown_state)
    assert status == 400 and "undefined 'publish' state" in message and "(line 13)" in message

    unknown_assistant = (
        "assistants:\n  - id: helper\n    assistant_id: no-such-assistant\n" + APPROVAL.split("\n", 3)[3]
    )
    status, message = _error(user, user.email, unknown_assistant)
    assert status == 400
    assert message.startswith("Workflow can't be created because some resources do not exist")
    assert "'no-such-assistant'" in message and "(line 2)" in message


def test_unreachable_state_and_missing_end(make_user: Callable[..., TestUser]) -> None:
    user = make_user("wf-graph")
    orphan = APPROVAL + "  - id: orphan\n    assistant_id: helper\n    next: {state_id: end}\n"
    status, message = _error(user, user.email, orphan)
    assert status == 400 and "'orphan' state (line 14): state is unreachable" in message
    loop = APPROVAL.replace("{state_id: end}", "{state_id: draft}")
    status, message = _error(user, user.email, loop)
    assert status == 400 and "no state leads to 'end'" in message
