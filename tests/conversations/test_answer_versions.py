"""Answer versions and branches: turns that share a parent answer are versions of each other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import TestUser
from tests.conversations.support import chat, new_assistant


def _history(user: TestUser, conversation_id: str) -> list[dict[str, Any]]:
    response = user.http.get(f"/v1/conversations/{conversation_id}")
    assert response.status_code == 200, response.text
    history: list[dict[str, Any]] = response.json()["history"]
    return history


def _post(user: TestUser, assistant_id: str, text: str, conversation: str, index: int, parent_id: str) -> None:
    """A turn naming its parent answer (as the web UI sends it; the SDK's request has no such field)."""
    body = {"text": text, "conversation_id": conversation, "history_index": index, "parent_id": parent_id}
    response = user.http.post(f"/v1/assistants/{assistant_id}/model", json=body)
    assert response.status_code == 200, response.text


def test_regenerated_answers_and_edited_questions_are_stored_as_siblings(make_user: Callable[..., TestUser]) -> None:
    user = make_user("chat-versions")
    assistant_id = new_assistant(user)
    conversation = f"versions-{user.id[:8]}"
    chat(user, assistant_id, "first question", conversation_id=conversation)
    chat(user, assistant_id, "second question", conversation_id=conversation)
    first_answer = _history(user, conversation)[1]
    assert first_answer["role"] == "Assistant" and first_answer["parentId"] is None
    # Regenerate the second turn twice: three versions under the first answer.
    chat(user, assistant_id, "second question", conversation_id=conversation, history_index=1)
    chat(user, assistant_id, "second question", conversation_id=conversation, history_index=1)
    history = _history(user, conversation)
    questions = [h for h in history if h["role"] == "User" and h["historyIndex"] == 1]
    assert len(questions) == 3 and {q["parentId"] for q in questions} == {first_answer["id"]}
    # An edited first question, sent as a new branch from the root, then continued in that branch.
    chat(user, assistant_id, "first question, edited", conversation_id=conversation, history_index=0)
    history = _history(user, conversation)
    edited_answer = [h for h in history if h["role"] == "Assistant" and h["historyIndex"] == 0][-1]
    _post(user, assistant_id, "follow-up in the edited branch", conversation, 1, edited_answer["id"])
    follow_up = next(h for h in _history(user, conversation) if h["message"] == "follow-up in the edited branch")
    assert follow_up["parentId"] == edited_answer["id"]
    # The parent named by the client must be an answer of this conversation: otherwise the default applies.
    _post(user, assistant_id, "stray", conversation, 1, "not-an-answer")
    stray = next(h for h in _history(user, conversation) if h["message"] == "stray")
    assert stray["parentId"] == edited_answer["id"]  # the newest answer of turn 0
