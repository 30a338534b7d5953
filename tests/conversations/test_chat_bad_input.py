"""Chat refuses bad input with a clear 4xx naming the problem, before any model is called."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.conftest import TestUser
from tests.conversations.support import new_assistant
from tests.support.server import LiveServer


def test_bad_chat_input(make_user: Callable[..., TestUser]) -> None:
    user = make_user("chat-bad")
    assistant_id = new_assistant(user)
    url = f"/v1/assistants/{assistant_id}/model"

    unknown_model = user.http.post(url, json={"text": "hi", "llm_model": "gpt-nonexistent"})
    assert unknown_model.status_code == 400
    assert unknown_model.json()["error"]["message"] == "Unknown model 'gpt-nonexistent'"
    assert "mock" in unknown_model.json()["error"]["details"]["available"]

    missing = user.http.post("/v1/assistants/no-such-assistant/model", json={"text": "hi"})
    assert missing.status_code == 404 and missing.json()["error"]["message"] == "Assistant not found"

    template = user.http.post(url, json={"text": "hi", "system_prompt": "Hello {{ name "})
    assert template.status_code == 422
    assert template.json()["error"]["message"].startswith("system_prompt: invalid prompt template")

    unsafe = user.http.post(url, json={"text": "hi", "system_prompt": "{{ ''.__class__.__mro__ }}"})
    assert unsafe.status_code == 422 and "system_prompt" in unsafe.json()["error"]["message"]

    huge = user.http.post(url, json={"text": "x" * 2_000_000})
    assert huge.status_code == 413
    assert huge.json()["error"]["message"].startswith("text: the message is 2000000 characters long")
    assert huge.json()["error"]["details"]["field"] == "text"

    empty = user.http.post(url, json={"text": ""})
    assert empty.status_code == 422 and "text" in empty.json()["error"]["message"]

    no_text = user.http.post(url, json={"stream": True})
    assert no_text.status_code == 422 and "text" in no_text.json()["error"]["message"]

    bad_conversation = user.http.post(url, json={"text": "hi", "conversation_id": "../../etc"})
    assert bad_conversation.status_code == 422 and "conversation_id" in bad_conversation.json()["error"]["message"]

    # Nothing above reached a model or left a conversation behind.
    assert user.client.conversations.list() == []


def test_chat_needs_authentication(live_server: LiveServer) -> None:
    response = httpx.post(f"{live_server.url}/v1/assistants/x/model", json={"text": "hi"})
    assert response.status_code == 401


def test_a_prompt_past_the_render_limits_is_a_clear_error(make_user: Callable[..., TestUser]) -> None:
    user = make_user("chat-limits")
    assistant_id = new_assistant(user)
    nested = "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}"
    for stream in (False, True):
        response = user.http.post(
            f"/v1/assistants/{assistant_id}/model", json={"text": "hi", "system_prompt": nested, "stream": stream}
        )
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["message"].startswith("system_prompt: the prompt template went past the render limits")
        assert error["details"]["field"] == "system_prompt" and error["details"]["reason"]
    assert user.client.conversations.list() == []
