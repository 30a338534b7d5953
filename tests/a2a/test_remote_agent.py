"""A remote A2A agent as a sub-assistant: an assistant's `a2a_agent` tool (A2A toolkit) reads the card of
another user's private assistant, served by Codemill's own A2A endpoint on the live server, with the
credentials of an A2A integration (that user's personal API key), and sends the task through JSON-RPC."""

from __future__ import annotations

from collections.abc import Callable

from codemie_sdk.models.assistant import AssistantChatRequest
from codemie_sdk.models.integration import CredentialTypes

from tests.conftest import TestUser
from tests.conversations.support import new_assistant
from tests.openai_api.test_openai_client import create_key
from tests.support.server import LiveServer
from tests.toolkits.live import create_integration


def _delegating_assistant(user: TestUser, integration_id: str) -> str:
    settings = {"id": integration_id, "project_name": user.email, "credential_type": "A2A", "credential_values": []}
    return new_assistant(
        user, toolkits=[{"toolkit": "A2A", "tools": [{"name": "a2a_agent", "settings": settings}]}], shared=False
    )


def test_a_remote_a2a_agent_answers_as_a_tool(live_server: LiveServer, make_user: Callable[..., TestUser]) -> None:
    remote_owner, user = make_user("a2a-remote"), make_user("a2a-caller")
    remote = new_assistant(remote_owner, description="Knows the release calendar", shared=False)
    key = str(create_key(remote_owner, name="a2a")["key"])
    integration_id = create_integration(
        user, CredentialTypes.A2A,
        url=f"{live_server.url}/v1/a2a/assistants/{remote}", auth_type="bearer", auth_value=key,
    )  # fmt: skip
    caller = _delegating_assistant(user, integration_id)

    question = "When is the next release?"
    answer = user.client.assistants.chat(caller, AssistantChatRequest(text=question, stream=False))
    (thought,) = answer.thoughts
    assert thought["metadata"]["tool_name"] == "a2a_agent"
    # The remote assistant (mock model, no tools) really ran the task, as its owner, through JSON-RPC.
    assert thought["message"].startswith("I am the Codemill mock LLM") and question in thought["message"]


def test_wrong_credentials_come_back_as_the_tools_error(
    live_server: LiveServer, make_user: Callable[..., TestUser]
) -> None:
    remote_owner, user = make_user("a2a-remote-b"), make_user("a2a-caller-b")
    remote = new_assistant(remote_owner, shared=False)
    integration_id = create_integration(
        user, CredentialTypes.A2A,
        url=f"{live_server.url}/v1/a2a/assistants/{remote}", auth_type="bearer", auth_value="cm_not_a_key",
    )  # fmt: skip
    caller = _delegating_assistant(user, integration_id)
    answer = user.client.assistants.chat(caller, AssistantChatRequest(text="Anything new?", stream=False))
    (thought,) = answer.thoughts
    assert thought["metadata"]["tool_name"] == "a2a_agent"
    assert "No A2A agent card" in thought["message"] and "401" in thought["message"]
