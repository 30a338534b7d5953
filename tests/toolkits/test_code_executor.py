"""Through the SDK on the mock LLM: the code executor waits for approval, runs in the sandbox once
allowed, and its output comes back in the chat; an unattended assistant runs it at once."""

from __future__ import annotations

from collections.abc import Callable

from codemie_sdk.models.assistant import (
    AssistantChatRequest,
    AssistantCreateRequest,
    ToolCallAction,
    ToolCallResumeRequest,
)

from tests.conftest import TestUser, unique
from tests.support.server import LiveServer

CODE = "import os, socket; print(sum(range(10)), os.getuid()); socket.create_connection(('1.1.1.1', 80), 2)"


def _assistant(user: TestUser, policy: str | None = None) -> str:
    created = user.client.assistants.create(
        AssistantCreateRequest(
            name=unique("coder"),
            description="Runs Python",
            system_prompt="You run code.",
            project=user.email,
            llm_model_type="mock",
            toolkits=[{"toolkit": "Data Management", "tools": [{"name": "code_executor"}]}],
            tool_permissions={"tool_call_policy": policy} if policy else None,
        )
    )
    return str(created.assistant_id)


def test_code_runs_in_the_sandbox_after_approval(live_server: LiveServer, make_user: Callable[..., TestUser]) -> None:
    user = make_user("coder")
    sdk = user.client
    assistant_id = _assistant(user)
    conversation_id = f"code-{user.id[:8]}"
    paused = sdk.assistants.chat(
        assistant_id, AssistantChatRequest(text=CODE, conversation_id=conversation_id, stream=False)
    )
    # Running code is a write: nothing ran yet, the turn waits for the user.
    assert paused.thoughts == []
    allowed = sdk.assistants.resume_tool_call(
        assistant_id, ToolCallResumeRequest(conversation_id=conversation_id, action=ToolCallAction.ALLOW, stream=False)
    )
    assert allowed.status_code == 200, allowed.text
    answer = allowed.json()
    (thought,) = answer["thoughts"]
    # The tool's output: the sum, the sandbox's uid, and no network; the mock LLM quotes it in the answer.
    assert "Exit code: 1\nstdout:\n45 1000\nstderr:" in thought["message"]
    assert "Network is unreachable" in thought["message"]
    assert "45 1000" in answer["generated"] and "Sources: `code_executor`" in answer["generated"]


def test_an_unattended_assistant_runs_code_at_once(live_server: LiveServer, make_user: Callable[..., TestUser]) -> None:
    user = make_user("coder-auto")
    assistant_id = _assistant(user, policy="auto_approve")
    answer = user.client.assistants.chat(
        assistant_id, AssistantChatRequest(text="print(6 * 7)", conversation_id=unique("code"), stream=False)
    )
    assert answer.thoughts and answer.thoughts[0]["message"] == "Exit code: 0\nstdout:\n42"
    assert "42" in str(answer.generated)
