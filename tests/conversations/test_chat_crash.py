"""A chat turn survives `kill -9` of its server: the question was stored before the model ran, the answer so
far was saved while it streamed, and after a restart on the same database the turn reads as interrupted
with that partial answer (the CodeMie SDK reads the history too)."""

from __future__ import annotations

import signal
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import TestUser, sdk_client
from tests.conversations.support import new_assistant
from tests.support.server import start_server
from tests.support.waiting import wait_until

QUESTION = "Summarise these notes: " + " ".join(f"note{number}" for number in range(400))
# What the mock model would have said in full.
FULL_ANSWER = (
    f"I am the Codemill mock LLM: no model provider is configured, so I cannot really answer. You asked: {QUESTION}"
)


def _history(http: httpx.Client, conversation_id: str) -> list[dict[str, Any]]:
    response = http.get(f"/v1/conversations/{conversation_id}")
    if response.status_code == 404:
        return []
    assert response.status_code == 200, response.text
    history: list[dict[str, Any]] = response.json()["history"]
    return history


def _wait_for(
    condition: Callable[[], list[dict[str, Any]] | None], what: str, timeout: float = 60.0
) -> list[dict[str, Any]]:
    return wait_until(condition, timeout=timeout, what=what)


def test_a_turn_survives_kill_9_of_its_server(
    server_env: dict[str, str], artifacts_dir: Path, make_user: Callable[..., TestUser]
) -> None:
    env = {
        **server_env,
        "CODEMILL_LLM__MOCK_TOKEN_DELAY_MS": "30",  # ~400 words: an answer that streams for many seconds
        "CODEMILL_CHAT__PARTIAL_SAVE_SECONDS": "0.2",
        "CODEMILL_CHAT__INTERRUPTED_AFTER_SECONDS": "3",
        "CODEMILL_JOBS__IN_PROCESS": "false",
    }
    user = make_user("crash")
    assistant_id = new_assistant(user)
    conversation_id = str(uuid.uuid4())
    server = start_server(env, artifacts_dir / "logs" / "chat-crash-server.log")
    auth = {"Authorization": user.http.headers["Authorization"]}
    try:
        with httpx.Client(base_url=server.url, headers=auth, timeout=60) as http:
            body = {"text": QUESTION, "conversation_id": conversation_id, "stream": True}
            with http.stream("POST", f"/v1/assistants/{assistant_id}/model", json=body) as response:
                assert response.status_code == 200
                lines = response.iter_lines()
                assert '"generated_chunk"' in next(lines)

                def partial_saved() -> list[dict[str, Any]] | None:
                    history = _history(user.http, conversation_id)  # read through the other server
                    answer = [m for m in history if m["role"] == "Assistant"]
                    if answer and answer[0]["status"] == "in_progress" and answer[0]["message"]:
                        return history
                    return None

                saved = _wait_for(partial_saved, "the partial answer to be saved")
                assert [m["role"] for m in saved] == ["User", "Assistant"]
                assert saved[0]["message"] == QUESTION  # stored before the model was called
                server.stop(signal.SIGKILL)
        assert server.process.returncode == -signal.SIGKILL
    finally:
        server.stop()

    restarted = start_server(env, artifacts_dir / "logs" / "chat-crash-restarted.log")
    try:
        with httpx.Client(base_url=restarted.url, headers=auth, timeout=60) as http:

            def interrupted() -> list[dict[str, Any]] | None:
                history = _history(http, conversation_id)
                return history if history and history[-1]["status"] == "interrupted" else None

            history = _wait_for(interrupted, "the restarted server to mark the turn interrupted")
        question, answer = history
        assert (question["role"], question["message"], question["status"]) == ("User", QUESTION, "success")
        assert answer["role"] == "Assistant" and answer["message"].strip()
        assert FULL_ANSWER.startswith(answer["message"]) and len(answer["message"]) < len(FULL_ANSWER)  # partial
        details = sdk_client(restarted, user.email, user.password).conversations.get_conversation(conversation_id)
        assert [item.message for item in details.history] == [QUESTION, answer["message"]]
        # The conversation goes on: the next turn is stored after the interrupted one.
        followed = user.http.post(
            f"/v1/assistants/{assistant_id}/model",
            json={"text": "and again", "conversation_id": conversation_id, "stream": False},
        )
        assert followed.status_code == 200, followed.text
        statuses = [(m["historyIndex"], m["role"], m["status"]) for m in _history(user.http, conversation_id)]
        assert statuses == [(0, "User", "success"), (0, "Assistant", "interrupted"),
                            (1, "User", "success"), (1, "Assistant", "success")]  # fmt: skip
    finally:
        restarted.stop()


def test_a_finished_turn_is_stored_once_with_its_answer(make_user: Callable[..., TestUser]) -> None:
    user = make_user("stored")
    assistant_id = new_assistant(user)
    conversation_id = str(uuid.uuid4())
    response = user.http.post(
        f"/v1/assistants/{assistant_id}/model",
        json={"text": "hello there", "conversation_id": conversation_id, "stream": False},
    )
    assert response.status_code == 200, response.text
    history = _history(user.http, conversation_id)
    assert [(m["role"], m["status"]) for m in history] == [("User", "success"), ("Assistant", "success")]
    assert history[1]["message"] == response.json()["generated"] and history[1]["outputTokens"] > 0
