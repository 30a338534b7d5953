"""A2A against a live server: the SDK's a2a service reads an assistant's agent card; JSON-RPC message/send,
message/stream, tasks/get and tasks/cancel answer through the assistant (mock LLM); protocol errors carry
JSON-RPC codes; another user's private assistant is a 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.conftest import TestUser
from tests.conversations.support import UTILITIES, new_assistant
from tests.support.server import LiveServer


def rpc(user: TestUser, assistant_id: str, method: str, params: Any, request_id: Any = "r1") -> dict[str, Any]:
    response = user.http.post(
        f"/v1/a2a/assistants/{assistant_id}",
        json={"jsonrpc": "2.0", "id": request_id, "method": method, "params": params},
    )
    assert response.status_code == 200, response.text
    body = dict(response.json())
    assert body["jsonrpc"] == "2.0" and body["id"] == request_id
    return body


def user_message(text: str, **fields: Any) -> dict[str, Any]:
    return {"message": {"role": "user", "parts": [{"kind": "text", "text": text}], "messageId": "m1", **fields}}


def test_sdk_reads_the_agent_card_and_others_get_404(
    live_server: LiveServer, make_user: Callable[..., TestUser]
) -> None:
    owner, other = make_user("a2a-card"), make_user("a2a-card-other")
    plain = new_assistant(owner, description="Answers release questions")
    with_tools = new_assistant(owner, toolkits=[UTILITIES], shared=False)

    card = owner.client.a2a.get_agent_card(plain)
    assert (
        card.description == "Answers release questions" and card.url == f"{live_server.url}/v1/a2a/assistants/{plain}"
    )
    assert card.capabilities.streaming is True and card.authentication and card.authentication.schemes == ["Bearer"]
    assert [s.id for s in card.skills] == ["conversation"]
    tooled = owner.client.a2a.get_agent_card(with_tools)
    assert [(s.id, s.name) for s in tooled.skills] == [("calculator", "Calculator")]
    assert tooled.skills[0].tags == ["calculator", "utilities"]

    with pytest.raises(requests.HTTPError) as hidden:
        other.client.a2a.get_agent_card(with_tools)
    assert hidden.value.response.status_code == 404
    refused = other.http.post(
        f"/v1/a2a/assistants/{with_tools}", json={"jsonrpc": "2.0", "id": 1, "method": "tasks/get", "params": {}}
    )
    assert refused.status_code == 404
    assert other.http.get(f"/v1/a2a/assistants/{with_tools}/.well-known/agent.json").status_code == 404


def test_message_send_get_continue_and_cancel(make_user: Callable[..., TestUser]) -> None:
    owner, other = make_user("a2a-send"), make_user("a2a-send-other")
    assistant_id = new_assistant(owner)

    sent = rpc(owner, assistant_id, "message/send", user_message("Where is the release checklist?", contextId="ctx-1"))
    task = sent["result"]
    assert task["kind"] == "task" and task["status"]["state"] == "completed" and task["contextId"] == "ctx-1"
    answer = task["artifacts"][0]["parts"][0]["text"]
    assert "mock" in answer.lower() and "Where is the release checklist?" in answer

    fetched = rpc(owner, assistant_id, "tasks/get", {"id": task["id"], "historyLength": 10})["result"]
    assert fetched["status"]["state"] == "completed" and fetched["artifacts"] == task["artifacts"]
    assert [m["role"] for m in fetched["history"]] == ["user", "agent"]
    assert fetched["history"][1]["parts"][0]["text"] == answer

    # The same context continues the conversation: the second turn is stored after the first.
    rpc(owner, assistant_id, "message/send", user_message("And who owns it?", contextId="ctx-1"))
    history = owner.client.conversations.get_conversation("ctx-1").history
    assert [h.message for h in history if h.role == "User"] == ["Where is the release checklist?", "And who owns it?"]

    done = rpc(owner, assistant_id, "tasks/cancel", {"id": task["id"]})
    assert done["error"]["code"] == -32002
    # Another user cannot see the task, even through an assistant of their own.
    own = new_assistant(other)
    assert rpc(other, own, "tasks/get", {"id": task["id"]})["error"]["code"] == -32001
    assert rpc(owner, assistant_id, "tasks/get", {"id": "no-such-task"})["error"]["code"] == -32001


def test_message_stream_sends_sse_events(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("a2a-stream")
    assistant_id = new_assistant(owner)
    with owner.http.stream(
        "POST",
        f"/v1/a2a/assistants/{assistant_id}",
        json={"jsonrpc": "2.0", "id": 7, "method": "message/stream", "params": user_message("Stream this please")},
    ) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        events = [json.loads(line[len("data: ") :]) for line in response.iter_lines() if line.startswith("data: ")]
    results = [e["result"] for e in events]
    assert all(e["id"] == 7 for e in events)
    assert results[0]["kind"] == "status-update" and results[0]["status"]["state"] == "working"
    chunks = [r["artifact"]["parts"][0]["text"] for r in results if r["kind"] == "artifact-update"]
    assert len(chunks) > 3 and "Stream this please" in "".join(chunks)
    assert [r["lastChunk"] for r in results if r["kind"] == "artifact-update"][-1] is True
    assert results[-1]["kind"] == "status-update" and results[-1]["final"] is True
    assert results[-1]["status"]["state"] == "completed"
    task_id = results[0]["taskId"]
    stored = rpc(owner, assistant_id, "tasks/get", {"id": task_id})["result"]
    assert stored["status"]["state"] == "completed" and stored["artifacts"][0]["parts"][0]["text"] == "".join(chunks)


def test_protocol_errors(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("a2a-errors")
    assistant_id = new_assistant(owner)
    assert rpc(owner, assistant_id, "tasks/unknown", {})["error"]["code"] == -32601
    missing = rpc(owner, assistant_id, "message/send", {"message": {"role": "user"}})
    assert missing["error"]["code"] == -32602 and missing["error"]["data"][0]["field"] == "message.parts"
    assert rpc(owner, assistant_id, "tasks/get", {"id": 5})["error"]["code"] == -32602
    no_text = rpc(owner, assistant_id, "message/send", {"message": {"role": "user", "parts": [{"kind": "data"}]}})
    assert no_text["error"]["code"] == -32602
    assert rpc(owner, assistant_id, "message/send", [1, 2])["error"]["code"] == -32602
    garbage = owner.http.post(f"/v1/a2a/assistants/{assistant_id}", content=b"{not json")
    assert garbage.status_code == 200 and garbage.json()["error"]["code"] == -32700
    no_method = owner.http.post(f"/v1/a2a/assistants/{assistant_id}", json={"jsonrpc": "2.0", "id": 1})
    assert no_method.json()["error"]["code"] == -32600
