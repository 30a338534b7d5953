"""Workflows used by the workflow tests (the mock LLM answers every assistant state)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import requests
from codemie_sdk import CodeMieClient
from codemie_sdk.models.workflow import WorkflowCreateRequest, WorkflowExecution
from codemie_sdk.models.workflow_state import WorkflowExecutionState

from tests.conftest import unique
from tests.support.waiting import wait_until

# Four assistant states and two custom nodes: a condition, a fan-out to two reviewers and their join.
BRANCHING = """\
assistants:
  - id: helper
    system_prompt: You help with release checks.
custom_nodes:
  - id: settings
    custom_node_id: transform
    config:
      mapping:
        release: "{{ user_input }}"
        checks: 2
  - id: report
    custom_node_id: result_finalizer
    config:
      template: "Release {{ release }}: {{ security }} | {{ docs }}"
states:
  - id: prepare
    custom_node_id: settings
    next:
      condition:
        expression: "checks > 1"
        then: plan
        otherwise: end
  - id: plan
    assistant_id: helper
    task: "Plan the checks for {{ release }}"
    next:
      state_ids: [security-review, docs-review]
      output_key: plan
  - id: security-review
    assistant_id: helper
    task: "Security review of {{ release }}"
    next:
      state_id: join
      output_key: security
  - id: docs-review
    assistant_id: helper
    task: "Docs review of {{ release }}"
    next:
      state_id: join
      output_key: docs
  - id: join
    assistant_id: helper
    task: "Merge the two reviews"
    next:
      state_id: finish
  - id: finish
    custom_node_id: report
    next:
      state_id: end
"""

LINEAR_FIVE = """\
assistants:
  - id: helper
    system_prompt: You help.
states:
  - id: one
    assistant_id: helper
    task: "Step one for {{ user_input }}"
    next: {state_id: two, output_key: first}
  - id: two
    assistant_id: helper
    task: "Step two"
    next: {state_id: three}
  - id: three
    assistant_id: helper
    task: "Step three"
    next: {state_id: four}
  - id: four
    assistant_id: helper
    task: "Step four"
    next: {state_id: five}
  - id: five
    assistant_id: helper
    task: "Step five"
    next: {state_id: end}
"""

APPROVAL = """\
assistants:
  - id: helper
    system_prompt: You help.
states:
  - id: draft
    assistant_id: helper
    task: "Draft a reply to {{ user_input }}"
    next: {state_id: send, output_key: draft}
  - id: send
    assistant_id: helper
    interrupt_before: true
    task: "Send this reply: {{ draft }}"
    next: {state_id: end}
"""


def create(client: CodeMieClient, project: str, yaml_config: str, **fields: object) -> str:
    """Create a workflow through the SDK; its id."""
    request = WorkflowCreateRequest(
        project=project, name=unique("workflow"), description="test", yaml_config=yaml_config, **fields
    )
    created = client.workflows.create_workflow(request)
    return str(created["id"])


def status_of(call: Callable[[], object]) -> int:
    """The HTTP status an SDK call ends with (200 when it returns)."""
    try:
        call()
    except (requests.HTTPError, httpx.HTTPStatusError) as err:
        return int(err.response.status_code)
    return 200


@dataclass
class Runner:
    """A user's SDK client on a workflow server, and their personal project."""

    client: CodeMieClient
    project: str
    url: str

    def http(self) -> httpx.Client:
        """Raw HTTP as this user, for what the SDK does not send (resume with input, streaming)."""
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.client.token}"}, timeout=60)

    def create(self, yaml_config: str) -> str:
        return create(self.client, self.project, yaml_config)

    def start(self, workflow_id: str, user_input: str) -> str:
        return str(self.client.workflows.run(workflow_id, user_input=user_input)["execution_id"])

    def execution(self, workflow_id: str, execution_id: str) -> WorkflowExecution:
        return self.client.workflows.executions(workflow_id).get(execution_id)

    def error(self, workflow_id: str, execution_id: str) -> str:
        """Why an execution failed (Codemill's `error` field)."""
        with self.http() as http:
            return str(http.get(f"/v1/workflows/{workflow_id}/executions/{execution_id}").json().get("error"))

    def states(self, workflow_id: str, execution_id: str) -> list[WorkflowExecutionState]:
        return self.client.workflows.executions(workflow_id).states(execution_id).list(per_page=100)

    def wait_status(self, workflow_id: str, execution_id: str, *wanted: str, timeout: float = 90) -> WorkflowExecution:
        """Poll until the execution reaches one of `wanted` statuses (fail on timeout)."""
        seen: list[WorkflowExecution] = []

        def reached() -> WorkflowExecution | None:
            seen[:] = [self.execution(workflow_id, execution_id)]
            return seen[0] if seen[0].status.value in wanted else None

        return wait_until(
            reached, timeout=timeout, what=lambda: f"execution {execution_id} {wanted}; still {seen[0].status}"
        )

    def wait_states(
        self, workflow_id: str, execution_id: str, check: Callable[[dict[str, str]], bool], timeout: float = 90
    ) -> dict[str, str]:
        """Poll until `check(state name -> status)` holds."""
        seen: dict[str, str] = {}

        def matched() -> dict[str, str] | None:
            seen.clear()
            seen.update({s.name: s.status.value for s in self.states(workflow_id, execution_id)})
            return dict(seen) if check(seen) else None

        return wait_until(matched, timeout=timeout, what=lambda: f"states to match; seen {seen}")


# A direct tool node, a switch on its JSON output, and a per-item fan-out collected by a finalizer.
TOOLS_AND_ITEMS = """\
max_concurrency: 2
assistants:
  - id: helper
    system_prompt: You review files.
tools:
  - id: stats
    tool: format_json_yaml
    tool_args: {text: "{{ user_input }}"}
    tool_result_json_pointer: /words
custom_nodes:
  - id: files
    custom_node_id: transform
    config:
      mapping: {files: '["a.py", "b.py", "c.py"]'}
  - id: collect
    custom_node_id: result_finalizer
    config:
      template: "{{ words }} words; {% for r in reviews %}[{{ r }}]{% endfor %}"
states:
  - id: count
    tool_id: stats
    next:
      output_key: words
      switch:
        cases:
          - {condition: "words > 100", state_id: too-long}
        default: list-files
  - id: too-long
    custom_node_id: collect
    next: {state_id: end}
  - id: list-files
    custom_node_id: files
    next: {state_id: review, iter_key: files}
  - id: review
    assistant_id: helper
    task: "Review {{ item }}"
    next: {state_id: report, output_key: reviews}
  - id: report
    custom_node_id: collect
    next: {state_id: end}
"""
