"""A workflow state's assistant with the Workspace toolkit works in the execution's workspace (a workflow
execution id keys a workspace as a conversation id does), which the SDK then finds."""

from __future__ import annotations

from collections.abc import Callable

from codemie_sdk.models.assistant import AssistantCreateRequest

from tests.conftest import unique
from tests.workflows.support import Runner


def test_a_state_lists_the_executions_workspace(runner: Callable[[str], Runner]) -> None:
    user = runner("wf-workspace")
    created = user.client.assistants.create(
        AssistantCreateRequest(
            name=unique("ws-helper"),
            description="Keeps files",
            system_prompt="You keep files.",
            project=user.project,
            llm_model_type="mock",
            toolkits=[{"toolkit": "Workspace", "tools": [{"name": "workspace_list_files"}]}],
        )
    )
    workflow_id = user.create(
        f"""
assistants:
  - id: keeper
    assistant_id: {created.assistant_id}
states:
  - id: look
    assistant_id: keeper
    task: "List the files of the workspace"
    next: {{state_id: end}}
"""
    )
    execution_id = user.start(workflow_id, "go")
    finished = user.wait_status(workflow_id, execution_id, "Succeeded", "Failed")
    assert finished.status.value == "Succeeded", user.error(workflow_id, execution_id)
    output = user.client.workflows.executions(workflow_id).states(execution_id).get_output("look").output or ""
    # The mock model quotes what the tool answered.
    assert "workspace_list_files" in output and "The workspace is empty." in output
    workspace = user.client.workspaces.get_by_conversation(execution_id)
    assert workspace.conversation_id == execution_id and user.client.workspaces.list_files(workspace.id) == []
