"""Sub-assistants through the SDK on the live server (mock model): the parent's `assistant_ids` become
tools that really run those assistants and return their answers."""

from __future__ import annotations

from collections.abc import Callable

from codemie_sdk.models.assistant import AssistantChatRequest, AssistantCreateRequest

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
