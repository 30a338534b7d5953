"""Chat against a real OpenAI-compatible server: streaming, a tool call round trip, retries, and a client
that goes away mid-stream (the upstream request is cancelled, the partial answer kept as interrupted)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from codemill.models import LLMUsage
from tests.conftest import TestUser, unique
from tests.conversations.conftest import FAKE_COST, ProviderBackedServer
from tests.conversations.support import UTILITIES, chat, new_assistant, records
from tests.support.waiting import wait_until


async def test_stream_with_a_tool_round_trip_and_usage(
    make_user: Callable[..., TestUser],
    on_backed: Callable[[TestUser], TestUser],
    backed: ProviderBackedServer,
    engine: AsyncEngine,
) -> None:
    user = on_backed(make_user("openai-chat"))
    assistant_id = new_assistant(user, llm_model_type="fake-gpt", toolkits=[UTILITIES])
    response = user.http.post(
        f"/v1/assistants/{assistant_id}/model",
        json={"text": "6*7", "stream": True, "conversationId": f"oa-{user.id[:8]}"},
    )
    assert response.status_code == 200, response.text
    lines = [json.loads(line) for line in response.text.splitlines() if line]
    thoughts = [r["thought"] for r in lines if r["thought"]]
    assert [(t["author_name"], t["in_progress"]) for t in thoughts] == [("Calculator", True), ("Calculator", False)]
    assert thoughts[1]["message"] == "6*7 = 42"
    chunks = [r["generated_chunk"] for r in lines if r["generated_chunk"]]
    assert "".join(chunks) == "The tool said: 6*7 = 42" == lines[-1]["generated"]
    assert lines[-1]["last"] is True and lines[-1]["success"] is True

    second_call = backed.provider.script.requests[-1].body
    assert second_call["messages"][-1] == {"role": "tool", "tool_call_id": "call_0", "content": "6*7 = 42"}
    assert second_call["messages"][-2]["tool_calls"][0]["function"]["name"] == "calculator"
    assert second_call["tools"][0]["function"]["name"] == "calculator"
    assert backed.provider.script.requests[-1].headers["authorization"] == "Bearer sk-codemill-test"

    async with engine.connect() as conn:
        rows = (await conn.execute(select(LLMUsage).where(LLMUsage.assistant_id == assistant_id))).all()
    assert len(rows) == 2
    for row in rows:
        assert row.model == "fake-gpt" and row.provider == "openai" and not row.estimated
        assert row.cost == row.input_tokens * FAKE_COST["input"] + row.output_tokens * FAKE_COST["output"] > 0
    stored = user.client.conversations.get_conversation(f"oa-{user.id[:8]}").history[1]
    assert stored.moneySpent is not None and stored.moneySpent > 0


def test_429_then_200_is_retried(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("openai-retry"))
    assistant_id = new_assistant(user, llm_model_type="fake-gpt")
    backed.provider.script.fail_next(429)
    response = user.http.post(f"/v1/assistants/{assistant_id}/model", json={"text": "are you there?"})
    assert response.status_code == 200, response.text
    assert response.json()["generated"] == "Echo: are you there?" and response.json()["success"] is True
    assert len(backed.provider.script.requests) == 2


def test_provider_failure_is_reported_not_crashed(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("openai-fail"))
    assistant_id = new_assistant(user, llm_model_type="fake-gpt")
    backed.provider.script.fail_next(429, 429, 429)
    lines = records(chat(user, assistant_id, "still there?", stream=True))
    final = lines[-1]
    assert final["last"] is True and final["success"] is False
    assert final["agent_error"]["error_code"] == "llm_rate_limited"
    assert "rate limiting" in final["generated"]


def test_disconnect_cancels_upstream_and_keeps_the_partial_answer(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("openai-disconnect"))
    assistant_id = new_assistant(user, llm_model_type="fake-gpt")
    conversation_id = f"cut-{user.id[:8]}"
    backed.provider.script.chunk_delay = 0.15
    words = " ".join(f"w{i}" for i in range(200))
    body = {"text": words, "stream": True, "conversation_id": conversation_id}
    received: list[dict[str, object]] = []
    with user.http.stream("POST", f"/v1/assistants/{assistant_id}/model", json=body) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line:
                received.append(json.loads(line))
            if len(received) >= 3:
                break  # the user closes the tab
    assert backed.provider.script.disconnected.wait(15), "the upstream request was not cancelled"

    def stored_answer() -> dict[str, Any] | None:
        history = user.http.get(f"/v1/conversations/{conversation_id}")
        if history.status_code == 200 and len(history.json()["history"]) == 2:
            return dict(history.json()["history"][1])
        return None

    answer = wait_until(stored_answer, timeout=15, what="the interrupted turn stored")
    assert answer["status"] == "interrupted"
    partial = "".join(str(r["generated_chunk"]) for r in received)
    assert answer["message"].startswith("Echo: w0") and answer["message"].startswith(partial)
    assert len(answer["message"]) < len("Echo: " + words)


def test_the_projects_llm_integration_key_is_used(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("openai-integration"))
    created = user.client.integrations.create(
        Integration(
            project_name=user.email,
            alias=unique("llm-key"),
            credential_type=CredentialTypes.LITE_LLM,
            credential_values=[
                CredentialValues(key="url", value=f"{backed.provider.url}/v1"),
                CredentialValues(key="api_key", value="sk-from-integration"),
            ],
        )
    )
    assert created["id"]
    assistant_id = new_assistant(user, llm_model_type="fake-gpt")
    answer = chat(user, assistant_id, "whose key is this?")
    assert answer.generated == "Echo: whose key is this?"
    assert backed.provider.script.requests[-1].headers["authorization"] == "Bearer sk-from-integration"


def test_parallel_tool_calls_through_the_platform(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("openai-parallel"))
    toolkit = {"toolkit": "Utilities", "tools": [{"name": "calculator"}, {"name": "text_statistics"}]}
    assistant_id = new_assistant(user, llm_model_type="fake-gpt", toolkits=[toolkit])
    backed.provider.script.parallel_tools = True
    answer = chat(user, assistant_id, "2+3")
    assert answer.thoughts is not None
    assert sorted(t["author_name"] for t in answer.thoughts) == ["Calculator", "Text Statistics"]
    assert {t["metadata"]["tool_call_id"] for t in answer.thoughts} == {"call_0", "call_1"}
    tool_messages = [m for m in backed.provider.script.requests[-1].body["messages"] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == ["call_0", "call_1"]
    assert tool_messages[0]["content"] == "2+3 = 5" and tool_messages[1]["content"].startswith("Characters: 3")
