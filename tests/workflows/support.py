"""Workflows used by the workflow tests (the mock LLM answers every assistant state)."""

from __future__ import annotations

from collections.abc import Callable

import requests
from codemie_sdk import CodeMieClient
from codemie_sdk.models.workflow import WorkflowCreateRequest

from tests.conftest import unique

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
    except requests.HTTPError as err:
        return int(err.response.status_code)
    return 200
