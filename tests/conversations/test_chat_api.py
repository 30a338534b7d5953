"""Chat through the CodeMie SDK on a live server with the mock model: streamed and not, continued,
listed, with tools and thoughts, usage recorded, and kept from other users."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from codemie_sdk.models.assistant import AssistantChatRequest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from codemill.models import LLMUsage
from tests.conftest import TestUser
from tests.conversations.support import UTILITIES, chat, new_assistant, records


def test_chat_stream_continue_list_history_and_privacy(make_user: Callable[..., TestUser]) -> None:
    owner, other = make_user("chat-owner"), make_user("chat-other")
    assistant_id = new_assistant(owner)

    first = chat(owner, assistant_id, "Where is the release checklist?")
    assert first.success is True and first.thoughts == []
    assert "mock" in first.generated.lower() and "Where is the release checklist?" in first.generated
    assert first.time_elapsed is not None and first.tokens_used and first.tokens_used > 0

    conversations = owner.client.conversations.list()
    assert len(conversations) == 1
    conversation_id = conversations[0].id
    assert conversations[0].name == "Where is the release checklist?"
    assert conversations[0].assistant_ids == [assistant_id] and conversations[0].initial_assistant_id == assistant_id

    streamed = chat(owner, assistant_id, "And who owns it?", conversation_id=conversation_id, stream=True)
    lines = records(streamed)
    chunks = [r["generated_chunk"] for r in lines if r["generated_chunk"] and not r["last"]]
    final = lines[-1]
    assert len(chunks) > 3, "the answer streams word by word"
    assert final["last"] is True and final["success"] is True
    assert final["generated"] == "".join(chunks) and "And who owns it?" in final["generated"]
    assert sum(r["last"] for r in lines) == 1

    details = owner.client.conversations.get_conversation(conversation_id)
    assert details.user_id == owner.id and details.assistant_ids == [assistant_id]
    assert [(h.role, h.historyIndex) for h in details.history] == [
        ("User", 0),
        ("Assistant", 0),
        ("User", 1),
        ("Assistant", 1),
    ]
    assert details.history[2].message == "And who owns it?"
    assert details.history[3].message == final["generated"]
    answer = details.history[3]
    assert answer.inputTokens and answer.inputTokens > 0 and answer.outputTokens and answer.outputTokens > 0
    assert answer.moneySpent == 0.0 and answer.responseTime is not None and answer.assistantId == assistant_id
    # The second turn saw the first one: the mock counted more input tokens.
    assert answer.inputTokens > (details.history[1].inputTokens or 0)
    assert details.assistant_data[0].assistant_id == assistant_id

    for attempt in (
        lambda: other.client.conversations.get_conversation(conversation_id),
        lambda: other.client.conversations.delete(conversation_id),
        lambda: other.client.conversations.delete_history_by_index(conversation_id, 0),
    ):
        with pytest.raises(requests.HTTPError) as refused:
            attempt()
        assert refused.value.response.status_code == 404
        assert refused.value.response.json()["error"]["message"] == "Conversation not found"
    assert other.client.conversations.list() == []
    hijack = other.http.post(
        f"/v1/assistants/{assistant_id}/model", json={"text": "hi", "conversation_id": conversation_id}
    )
    assert hijack.status_code == 404  # the assistant is not the other user's to see either
    own_assistant = new_assistant(other)
    hijack = other.http.post(
        f"/v1/assistants/{own_assistant}/model", json={"text": "hi", "conversationId": conversation_id}
    )
    assert hijack.status_code == 404 and hijack.json()["error"]["message"] == "Conversation not found"


def test_the_mock_calls_the_assistant_tool_and_the_thought_is_streamed_and_stored(
    make_user: Callable[..., TestUser],
) -> None:
    user = make_user("chat-tools")
    assistant_id = new_assistant(user, toolkits=[UTILITIES])
    lines = records(chat(user, assistant_id, "What is 12*(3+4)?", stream=True))
    thoughts = [r["thought"] for r in lines if r["thought"]]
    assert [t["in_progress"] for t in thoughts] == [True, False]
    started, ended = thoughts
    assert started["id"] == ended["id"] and ended["author_name"] == "Calculator" and ended["author_type"] == "Tool"
    assert started["input_text"] == '{"expression": "What is 12*(3+4)?"}'
    assert ended["message"] == "12*(3+4) = 84" and ended["error"] is False
    assert ended["metadata"]["duration_ms"] is not None and ended["metadata"]["status"] == "completed"
    final = lines[-1]
    assert "> 12*(3+4) = 84" in final["generated"] and final["tool_errors"] is None
    assert lines.index(next(r for r in lines if r["thought"])) < lines.index(
        next(r for r in lines if r["generated_chunk"])
    )

    conversation_id = user.client.conversations.list()[0].id
    stored = user.client.conversations.get_conversation(conversation_id).history[1]
    assert stored.thoughts is not None and len(stored.thoughts) == 1
    thought = stored.thoughts[0]
    assert thought.author_name == "Calculator" and thought.message == "12*(3+4) = 84"
    assert thought.input_text == started["input_text"] and thought.in_progress is False

    plain = chat(user, assistant_id, "What is 2**10?")
    assert plain.thoughts and plain.thoughts[0]["message"] == "2**10 = 1024"


def test_tool_errors_are_shown_to_the_user(make_user: Callable[..., TestUser]) -> None:
    user = make_user("chat-tool-error")
    assistant_id = new_assistant(user, toolkits=[UTILITIES])
    answer = chat(user, assistant_id, "divide 1/0 please")
    assert answer.success is True
    assert (
        answer.thoughts and answer.thoughts[0]["error"] is True and answer.thoughts[0]["message"] == "Division by zero."
    )
    assert answer.tool_errors and answer.tool_errors[0].tool_name == "calculator"
    assert "Error: Division by zero." in answer.generated


async def test_every_model_call_records_usage(make_user: Callable[..., TestUser], engine: AsyncEngine) -> None:
    user = make_user("chat-usage")
    assistant_id = new_assistant(user, toolkits=[UTILITIES])
    chat(user, assistant_id, "What is 6*7?", conversation_id="usage-check-" + user.id[:8])
    async with engine.connect() as conn:
        rows = (await conn.execute(select(LLMUsage).where(LLMUsage.assistant_id == assistant_id))).all()
    assert len(rows) == 2, "one model call asked for the tool, one answered"
    for row in rows:
        assert row.user_id == user.id and row.project == user.email
        assert row.conversation_id == "usage-check-" + user.id[:8]
        assert row.model == "mock" and row.provider == "mock" and row.status == "success"
        assert row.input_tokens > 0 and row.output_tokens > 0 and row.cost == 0.0 and row.latency_ms >= 0


def test_history_index_regenerates_a_turn(make_user: Callable[..., TestUser]) -> None:
    user = make_user("chat-regenerate")
    assistant_id = new_assistant(user)
    chat(user, assistant_id, "first question", conversation_id=f"regen-{user.id[:8]}")
    chat(user, assistant_id, "second question", conversation_id=f"regen-{user.id[:8]}")
    again = chat(
        user, assistant_id, "second question, rephrased", conversation_id=f"regen-{user.id[:8]}", history_index=1
    )
    assert "second question, rephrased" in again.generated
    history = user.client.conversations.get_conversation(f"regen-{user.id[:8]}").history
    assert [h.historyIndex for h in history] == [0, 0, 1, 1, 1, 1]


def test_chat_by_slug(make_user: Callable[..., TestUser]) -> None:
    user = make_user("chat-slug")
    slug = f"helper-{user.id[:8]}"
    new_assistant(user, slug=slug)
    answer = user.client.assistants.chat_by_slug(slug, AssistantChatRequest(text="hello by slug"))
    assert "hello by slug" in answer.generated
    missing = user.http.post("/v1/assistants/slug/no-such-slug/model", json={"text": "hi"})
    assert missing.status_code == 404
