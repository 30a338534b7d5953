"""Sub-assistants through the SDK on the live server (mock model): the parent's `assistant_ids` become
tools that really run those assistants and return their answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from codemie_sdk.models.assistant import AssistantChatRequest, AssistantCreateRequest, AssistantUpdateRequest

from tests.conftest import TestUser, unique


def _create(user: TestUser, name: str, sub_ids: list[str] | None = None) -> str:
    request = AssistantCreateRequest(
        name=name,
        description=f"{name} answers questions about releases",
        system_prompt="You answer briefly.",
        project=user.email,
        llm_model_type="mock",
        assistant_ids=sub_ids or [],
    )
    created = user.client.assistants.create(request)
    assert created.assistant_id
    return str(created.assistant_id)


def test_a_sub_assistant_runs_as_a_tool_and_its_answer_comes_back(make_user: Callable[..., TestUser]) -> None:
    user = make_user("orchestrator")
    name = unique("Release Notes")
    child_id = _create(user, name)
    parent_id = _create(user, unique("Coordinator"), [child_id])
    question = "What changed in version 2.4?"
    answer = user.client.assistants.chat(parent_id, AssistantChatRequest(text=question, stream=False))
    assert answer.thoughts, answer
    (thought,) = answer.thoughts
    expected_tool = "assistant_" + name.lower().replace(" ", "_")
    assert thought["metadata"]["tool_name"] == expected_tool
    # The child (the mock model without tools) really ran on the task the parent gave it.
    assert thought["message"].startswith("I am the Codemill mock LLM") and question in thought["message"]
    assert "I am the Codemill mock LLM" in answer.generated


def _refusal(call: Callable[[], object]) -> tuple[int, dict[str, object]]:
    with pytest.raises(requests.HTTPError) as failure:
        call()
    return failure.value.response.status_code, failure.value.response.json()["error"]


def test_nested_sub_assistants_are_refused_as_codemie_refuses_them(make_user: Callable[..., TestUser]) -> None:
    user = make_user("nesting")
    inner = _create(user, unique("Inner"))
    middle_name = unique("Middle")
    middle = _create(user, middle_name, [inner])
    other_name = unique("Other")
    other = _create(user, other_name, [inner])

    # A sub-assistant with sub-assistants of its own: 400, CodeMie's words in the message and the details.
    status, error = _refusal(lambda: _create(user, unique("Top"), [middle]))
    expected = f"Nested assistants aren't supported. Assistant '{middle_name}' can't have its own sub-assistants"
    assert (status, error["message"], error["details"]) == (400, expected, expected)
    assert "assistant_ids" in str(error["help"])

    # Two of them: one message naming both.
    status, error = _refusal(lambda: _create(user, unique("Top"), [middle, other]))
    assert status == 400
    assert error["details"] == (
        f"Nested assistants not supported. Inner assistants ({middle_name}, {other_name}) "
        "cannot contain their own inner assistants"
    )

    # Updating to nest is refused the same way, and the assistant is unchanged.
    top = _create(user, unique("Top"))
    current = user.client.assistants.get(top)
    update = AssistantUpdateRequest(
        name=current.name,
        description=current.description,
        system_prompt=current.system_prompt,
        project=current.project,
        llm_model_type=current.llm_model_type,
        assistant_ids=[middle],
    )
    status, error = _refusal(lambda: user.client.assistants.update(top, update))
    assert (status, error["details"]) == (400, expected)
    assert user.client.assistants.get(top).assistant_ids == []

    # Itself, and an assistant the caller cannot see (the same words as one that does not exist).
    status, error = _refusal(
        lambda: user.client.assistants.update(top, update.model_copy(update={"assistant_ids": [top]}))
    )
    assert (status, error["details"]) == (
        400,
        "Circular reference detected: An assistant cannot include itself as an inner assistant",
    )
    stranger = make_user("nesting-stranger")
    hidden = _create(stranger, unique("Hidden"))
    status, error = _refusal(lambda: _create(user, unique("Top"), [hidden]))
    assert (status, error["details"]) == (
        400,
        f'Invalid reference: Assistant with ID "{hidden}" does not exist in the system',
    )
