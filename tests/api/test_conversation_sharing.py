"""Conversation share links, feedback, export, finish rules and the admin's view, through the CodeMie SDK."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import httpx
import pytest
import requests
from codemie_sdk import CodeMieClient
from codemie_sdk.models.conversation import FeedbackCreateRequest, FeedbackDeleteRequest, FeedbackMark

from tests.conftest import TestUser
from tests.conversations.support import chat, new_assistant


def status_of(call: Callable[[], object]) -> int:
    with pytest.raises(requests.HTTPError) as failure:
        call()
    return failure.value.response.status_code


def conversation_with_turns(user: TestUser, *texts: str) -> tuple[str, str]:
    assistant_id = new_assistant(user)
    conversation_id = f"c-{user.id[:8]}"
    for text in texts:
        chat(user, assistant_id, text, conversation_id=conversation_id)
    return conversation_id, assistant_id


def test_share_link_opens_read_only_until_revoked(make_user: Callable[..., TestUser]) -> None:
    owner, reader, stranger = make_user("sharer"), make_user("reader"), make_user("stranger")
    conversation_id, _ = conversation_with_turns(owner, "what is a share link?")

    # Only the owner shares: another user's conversation does not exist for them.
    assert status_of(lambda: stranger.client.conversations.share_conversation(conversation_id)) == 404
    share = owner.client.conversations.share_conversation(conversation_id)
    assert share.token and share.access_count == 0
    # Asking again gives the same live link.
    assert owner.client.conversations.share_conversation(conversation_id).token == share.token

    shared = reader.client.conversations.get_shared_conversation(share.token)
    assert shared.conversation.conversation_id == conversation_id
    assert shared.conversation.history[0].message == "what is a share link?"
    assert shared.conversation.user_abilities == ["read"]
    assert shared.shared_by and shared.access_count == 1
    assert reader.client.conversations.get_shared_conversation(share.token).access_count == 2
    # Read-only: the link gives no access to the conversation itself.
    assert status_of(lambda: reader.client.conversations.get_conversation(conversation_id)) == 404

    # Only the sharer (or the owner, or an admin) revokes.
    refused = reader.http.delete(f"/v1/share/conversations/{share.token}")
    assert refused.status_code == 403 and refused.json()["error"]["message"] == "Access denied"
    assert owner.http.delete(f"/v1/share/conversations/{share.token}").json() == {"message": "Share link revoked"}
    gone = reader.http.get(f"/v1/share/conversations/{share.token}")
    assert gone.status_code == 404 and gone.json()["error"]["message"] == "Shared conversation not found"
    # A new link is a new token.
    assert owner.client.conversations.share_conversation(conversation_id).token != share.token
    assert status_of(lambda: reader.client.conversations.get_shared_conversation("no-such-token")) == 404


def test_a_share_link_opens_the_files_of_its_conversation_only(make_user: Callable[..., TestUser]) -> None:
    owner, reader = make_user("file-sharer"), make_user("file-reader")
    upload = owner.http.post("/v1/files/", files={"file": ("notes.txt", b"the shared notes", "text/plain")})
    attached = upload.json()["file_url"]
    private = owner.http.post("/v1/files/", files={"file": ("diary.txt", b"not shared", "text/plain")})
    kept = private.json()["file_url"]
    assistant_id = new_assistant(owner)
    conversation_id = f"c-files-{owner.id[:8]}"
    chat(owner, assistant_id, "read my notes", conversation_id=conversation_id, file_names=[attached])
    token = owner.client.conversations.share_conversation(conversation_id).token

    assert reader.http.get(f"/v1/files/{attached}").status_code == 404  # not without the link
    opened = reader.http.get(f"/v1/files/{attached}", params={"share_token": token})
    assert opened.status_code == 200 and opened.content == b"the shared notes"
    # The link covers the conversation's files, not the sharer's other files.
    assert reader.http.get(f"/v1/files/{kept}", params={"share_token": token}).status_code == 404
    owner.http.delete(f"/v1/share/conversations/{token}")
    assert reader.http.get(f"/v1/files/{attached}", params={"share_token": token}).status_code == 404


def test_feedback_on_answers_and_the_admins_review(
    make_user: Callable[..., TestUser], admin_http: httpx.Client
) -> None:
    user, other = make_user("judge"), make_user("other-judge")
    conversation_id, assistant_id = conversation_with_turns(user, "first", "second")

    def request(**overrides: object) -> FeedbackCreateRequest:
        fields: dict[str, object] = {
            "conversationId": conversation_id,
            "messageIndex": 1,
            "assistant_id": assistant_id,
            "request": "second",
            "response": "an answer",
            "mark": FeedbackMark.WRONG,
            "comments": "not what I asked",
        }
        return FeedbackCreateRequest(**(fields | overrides))

    created = user.client.conversations.create_feedback(request())
    # The answer of turn 1 carries the mark.
    history = user.client.conversations.get_conversation(conversation_id).history
    marks = {(h.historyIndex, h.role): h.userMark for h in history}
    assert marks[(1, "Assistant")] is not None and marks[(1, "Assistant")].feedback_id == created.id
    assert marks[(1, "Assistant")].mark == "wrong" and marks[(0, "Assistant")] is None
    # A second verdict on the same turn replaces the first.
    again = user.client.conversations.create_feedback(request(mark=FeedbackMark.CORRECT, comments=None))
    assert again.id == created.id

    # Someone else's conversation, an unknown turn, an operator mark by a user: refused.
    assert status_of(lambda: other.client.conversations.create_feedback(request())) == 404
    assert status_of(lambda: user.client.conversations.create_feedback(request(messageIndex=7))) == 404
    assert status_of(lambda: user.client.conversations.create_feedback(request(author="operator"))) == 403

    # The feedback list is the admin's view.
    assert user.http.get("/v1/feedback").status_code == 403
    entries = admin_http.get("/v1/feedback", params={"per_page": 1000}).json()
    mine = [e for e in entries if e["id"] == created.id]
    assert mine and mine[0]["mark"] == "correct" and mine[0]["userId"] == user.id
    assert user.http.get(f"/v1/feedback/{created.id}").json()["conversationId"] == conversation_id
    assert other.http.get(f"/v1/feedback/{created.id}").status_code == 404

    # Final verdicts: the user's, and an operator's through the admin's review.
    final = user.http.post(f"/v1/conversations/{conversation_id}/feedback", json={"mark": "good", "rating": 5})
    assert final.json() == {"user_id": user.id, "conversation_id": conversation_id}
    assert other.http.post(f"/v1/conversations/{conversation_id}/feedback", json={"mark": "x"}).status_code == 404
    review = f"/v1/admin/users/{user.id}/conversations/{conversation_id}"
    assert user.http.get(review).status_code == 403
    reviewed = admin_http.put(f"{review}/feedback", json={"mark": "fine", "comments": "ok"}).json()
    assert reviewed["final_operator_mark"]["operator"]["name"]
    seen = user.client.conversations.get_conversation(conversation_id)
    assert seen.final_user_mark is not None and seen.final_user_mark.rating == 5
    assert seen.final_operator_mark is not None and seen.final_operator_mark.mark == "fine"

    # Withdrawn by its author only.
    withdraw = FeedbackDeleteRequest(
        conversationId=conversation_id, feedbackId=created.id, messageIndex=1, assistant_id=assistant_id
    )
    assert status_of(lambda: other.client.conversations.delete_feedback(withdraw)) == 404
    assert user.client.conversations.delete_feedback(withdraw).message == "Specified feedback entry removed"
    history = user.client.conversations.get_conversation(conversation_id).history
    assert all(h.userMark is None for h in history)


def test_export_as_json_markdown_and_docx(make_user: Callable[..., TestUser]) -> None:
    user, other = make_user("exporter"), make_user("other-exporter")
    conversation_id, _ = conversation_with_turns(user, "export me")

    as_json = user.http.get(f"/v1/conversations/{conversation_id}/export")
    assert as_json.status_code == 200 and as_json.json()["history"][0]["message"] == "export me"
    markdown = user.http.get(f"/v1/conversations/{conversation_id}/export", params={"export_format": "md"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "## User" in markdown.text and "export me" in markdown.text
    document = user.http.get(f"/v1/conversations/{conversation_id}/export", params={"export_format": "docx"})
    assert "attachment" in document.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(document.content)) as docx:
        assert "export me" in docx.read("word/document.xml").decode()
    answer = user.http.get(f"/v1/conversations/{conversation_id}/history/0/0/export", params={"export_format": "md"})
    assert answer.status_code == 200 and answer.text

    assert user.http.get(f"/v1/conversations/{conversation_id}/export", params={"export_format": "pdf"}).json()[
        "error"
    ]["details"]["accepted"] == ["json", "md", "docx"]
    assert user.http.get(f"/v1/conversations/{conversation_id}/history/5/0/export").status_code == 404
    assert other.http.get(f"/v1/conversations/{conversation_id}/export").status_code == 404


def test_finish_rules_and_the_admin_list(make_user: Callable[..., TestUser], admin_client: CodeMieClient) -> None:
    user, other = make_user("finisher"), make_user("other-finisher")
    conversation_id, _ = conversation_with_turns(user, "finish me")
    project = user.email

    # No read access: 404; an admin may read but only the owner finishes: 403.
    assert status_of(lambda: other.client.conversations.finish(conversation_id)) == 404
    assert status_of(lambda: admin_client.conversations.finish(conversation_id)) == 403

    listed = admin_client.conversations.list_admin(project=project, per_page=50)
    assert [c.id for c in listed.data] == [conversation_id] and listed.pagination.total == 1
    assert admin_client.conversations.list_admin(project=project, is_finished=True).data == []
    assert status_of(lambda: user.client.conversations.list_admin()) == 403

    bulk = admin_client.conversations.finish_bulk([conversation_id, "no-such-conversation"])
    assert bulk.total == 2
    done, missing = bulk.results
    assert done.conversation_id == conversation_id and done.finished_at and not done.already_finished
    assert missing.error == "not_found"
    again = admin_client.conversations.finish_bulk([conversation_id]).results[0]
    assert again.already_finished is True
    assert [c.id for c in admin_client.conversations.list_admin(project=project, is_finished=True).data] == [
        conversation_id
    ]
    assert status_of(lambda: user.client.conversations.finish_bulk([conversation_id])) == 403
    assert status_of(lambda: user.client.conversations.finish(conversation_id)) == 409
