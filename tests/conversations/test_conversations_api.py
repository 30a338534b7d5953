"""The conversations API through the CodeMie SDK: list, get, rename, folders, history edits, delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import requests
from codemie_sdk.models.conversation import (
    ConversationCreateRequest,
    HistoryItem,
    UpdateConversationFolderRequest,
    UpdateConversationRequest,
    UpdateHistoryByIndexRequest,
    UpsertHistoryRequest,
)

from tests.conftest import TestUser
from tests.conversations.support import chat, new_assistant


def status_of(call: Callable[[], object]) -> int:
    with pytest.raises(requests.HTTPError) as failure:
        call()
    return failure.value.response.status_code


def test_rename_folders_and_delete(make_user: Callable[..., TestUser]) -> None:
    user = make_user("conv-folders")
    assistant_id = new_assistant(user)
    chat(user, assistant_id, "first chat", conversation_id=f"a-{user.id[:8]}")
    chat(user, assistant_id, "second chat", conversation_id=f"b-{user.id[:8]}")
    a, b = f"a-{user.id[:8]}", f"b-{user.id[:8]}"
    assert [c.id for c in user.client.conversations.list()] == [b, a]  # newest first

    renamed = user.client.conversations.update(a, UpdateConversationRequest(name="Release notes", pinned=True))
    assert renamed.conversation_name == "Release notes" and renamed.pinned is True

    assert (
        user.client.conversations.create_folder(UpdateConversationFolderRequest(folder="Work")).message
        == "Folder created"
    )
    assert (
        status_of(lambda: user.client.conversations.create_folder(UpdateConversationFolderRequest(folder="Work")))
        == 400
    )
    user.client.conversations.update(a, UpdateConversationRequest(folder="Work"))
    user.client.conversations.update(b, UpdateConversationRequest(folder="Work"))
    folders = user.client.conversations.list_folders()
    assert [f.folder_name for f in folders] == ["Work"] and folders[0].user_id == user.id

    user.client.conversations.update_folder("Work", UpdateConversationFolderRequest(folder="Projects"))
    assert {c.folder for c in user.client.conversations.list()} == {"Projects"}
    user.client.conversations.delete_folder("Projects", remove_conversations=False)
    assert {c.folder for c in user.client.conversations.list()} == {None}
    assert user.client.conversations.list_folders() == []

    user.client.conversations.create_folder(UpdateConversationFolderRequest(folder="Trash"))
    user.client.conversations.update(b, UpdateConversationRequest(folder="Trash"))
    user.client.conversations.delete_folder("Trash", remove_conversations=True)
    assert [c.id for c in user.client.conversations.list()] == [a]

    assert user.client.conversations.delete(a) == {"message": "Specified conversation removed"}
    assert user.client.conversations.list() == []
    assert status_of(lambda: user.client.conversations.get_conversation(a)) == 404


def test_edit_and_delete_history_from_an_index(make_user: Callable[..., TestUser]) -> None:
    user = make_user("conv-history")
    assistant_id = new_assistant(user)
    conversation_id = f"h-{user.id[:8]}"
    for text in ("zero", "one", "two"):
        chat(user, assistant_id, text, conversation_id=conversation_id)

    edited = user.client.conversations.update_history_by_index(
        conversation_id, UpdateHistoryByIndexRequest(messageIndex=1, message="A better answer.")
    )
    assert [h.message for h in edited.history if h.historyIndex == 1] == ["one", "A better answer."]

    after = user.client.conversations.delete_history_by_index(conversation_id, 1)
    assert [(h.role, h.historyIndex, h.message) for h in after.history if h.role == "User"] == [
        ("User", 0, "zero"),
        ("User", 1, "two"),
    ]
    assert status_of(lambda: user.client.conversations.delete_history_by_index(conversation_id, 7)) == 404

    # The next turn continues after the last index.
    chat(user, assistant_id, "three", conversation_id=conversation_id)
    history = user.client.conversations.get_conversation(conversation_id).history
    assert [h.historyIndex for h in history] == [0, 0, 1, 1, 2, 2]

    cleared = user.client.conversations.delete_history(conversation_id)
    assert cleared.history == []


def test_create_upsert_files_and_finish(make_user: Callable[..., TestUser]) -> None:
    user = make_user("conv-upsert")
    assistant_id = new_assistant(user)
    created = user.client.conversations.create(ConversationCreateRequest(initial_assistant_id=assistant_id))
    assert created["assistant_ids"] == [assistant_id] and created["history"] == []

    imported = f"imported-{user.id[:8]}"
    now = datetime.now(UTC)
    items = [
        HistoryItem(role="User", message="hello", historyIndex=0, date=now, fileNames=["notes.txt"]),
        HistoryItem(
            role="Assistant", message="hi there", historyIndex=0, date=now.replace(microsecond=0), fileNames=[]
        ),
    ]
    result = user.client.conversations.upsert_history(
        imported, UpsertHistoryRequest(history=items, assistant_id=assistant_id)
    )
    assert (result.created, result.new_messages, result.total_messages) == (True, 2, 2)
    again = user.client.conversations.upsert_history(imported, UpsertHistoryRequest(history=items))
    assert (again.created, again.new_messages, again.total_messages) == (False, 0, 2)
    assert user.client.conversations.get_files(imported) == ["notes.txt"]

    chat(user, assistant_id, "a follow-up", conversation_id=imported)
    assert [h.historyIndex for h in user.client.conversations.get_conversation(imported).history] == [0, 0, 1, 1]

    finished = user.client.conversations.finish(imported)
    assert finished.conversation_id == imported
    assert status_of(lambda: user.client.conversations.finish(imported)) == 409
    refused = user.http.post(f"/v1/assistants/{assistant_id}/model", json={"text": "more", "conversation_id": imported})
    assert refused.status_code == 409
    assert [c.id for c in user.client.conversations.list(is_finished=True)] == [imported]

    other = make_user("conv-upsert-other")
    assert (
        status_of(lambda: other.client.conversations.upsert_history(imported, UpsertHistoryRequest(history=items)))
        == 404
    )
    assert status_of(lambda: other.client.conversations.get_files(imported)) == 404

    assert user.client.conversations.delete_all().message == "Conversation history cleared"
    assert user.client.conversations.list() == []
