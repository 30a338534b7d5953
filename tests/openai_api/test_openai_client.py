"""The official `openai` client against a live server: assistants as models, chat completions streamed and
not (mock LLM), personal API keys (created, used, revoked, expired), and other users' assistants kept out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import openai
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from codemill.models import ApiKey
from tests.conftest import TestUser
from tests.conversations.support import new_assistant
from tests.support.server import LiveServer


def client(server: LiveServer, key: str) -> openai.OpenAI:
    """The openai client pointed at Codemill's /v1."""
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0, timeout=30)


def create_key(user: TestUser, name: str = "ci", **fields: object) -> dict[str, object]:
    response = user.http.post("/v1/api-keys", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_models_and_completions_streamed_and_not_with_token_and_api_key(
    live_server: LiveServer, make_user: Callable[..., TestUser]
) -> None:
    owner, other = make_user("oai-owner"), make_user("oai-other")
    assistant_id = new_assistant(owner, slug=f"oai-{owner.id[:8]}")
    private_other = new_assistant(other, shared=False)

    key = create_key(owner)
    assert str(key["key"]).startswith("cmk_") and key["prefix"] == str(key["key"])[:12]
    by_key = client(live_server, str(key["key"]))
    by_token = client(live_server, str(owner.client.token))

    listed = {m.id for m in by_key.models.list()}
    assert assistant_id in listed and private_other not in listed
    assert {m.id for m in by_token.models.list()} == listed

    streamed = by_key.chat.completions.create(
        model=assistant_id,
        messages=[{"role": "user", "content": "Where is the release checklist?"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(streamed)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) > 3, "the answer streams in pieces"
    assert "mock" in text.lower() and "Where is the release checklist?" in text
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    usage = chunks[-1].usage
    assert usage is not None and usage.prompt_tokens > 0 and usage.completion_tokens > 0

    # Non-streamed, by slug, with history: the earlier messages reach the model (more prompt tokens).
    short = by_token.chat.completions.create(
        model=f"oai-{owner.id[:8]}", messages=[{"role": "user", "content": "And who owns it?"}]
    )
    longer = by_token.chat.completions.create(
        model=assistant_id,
        messages=[
            {"role": "user", "content": "Where is the release checklist?"},
            {"role": "assistant", "content": text},
            {"role": "user", "content": "And who owns it?"},
        ],
    )
    for completion in (short, longer):
        assert completion.object == "chat.completion" and completion.choices[0].finish_reason == "stop"
        assert "And who owns it?" in (completion.choices[0].message.content or "")
        assert completion.usage is not None and completion.usage.total_tokens > 0
    assert longer.usage is not None and short.usage is not None
    assert longer.usage.prompt_tokens > short.usage.prompt_tokens
    # Nothing kept without a conversation id.
    assert owner.client.conversations.list() == []

    with pytest.raises(openai.NotFoundError):
        by_key.chat.completions.create(model=private_other, messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.NotFoundError):
        client(live_server, str(other.client.token)).chat.completions.create(
            model=assistant_id, messages=[{"role": "user", "content": "hi"}]
        )


def test_conversation_kept_when_named(live_server: LiveServer, make_user: Callable[..., TestUser]) -> None:
    owner = make_user("oai-conv")
    assistant_id = new_assistant(owner)
    oai = client(live_server, str(create_key(owner)["key"]))
    first = oai.chat.completions.create(
        model=assistant_id,
        messages=[{"role": "user", "content": "First question"}],
        extra_body={"conversation_id": "oai-conversation-1"},
    )
    assert first.model_extra and first.model_extra["conversation_id"] == "oai-conversation-1"
    oai.chat.completions.create(
        model=assistant_id,
        messages=[{"role": "user", "content": "Second question"}],
        extra_headers={"X-Conversation-Id": "oai-conversation-1"},
    )
    details = owner.client.conversations.get_conversation("oai-conversation-1")
    assert [h.message for h in details.history if h.role == "User"] == ["First question", "Second question"]


async def test_api_keys_listed_revoked_and_expired(
    live_server: LiveServer, make_user: Callable[..., TestUser], engine: AsyncEngine
) -> None:
    owner, other = make_user("oai-keys"), make_user("oai-keys-other")
    kept, revoked = create_key(owner, "kept"), create_key(owner, "revoked")
    listed = owner.http.get("/v1/api-keys").json()
    assert {k["name"] for k in listed} == {"kept", "revoked"} and all("key" not in k for k in listed)
    assert other.http.get("/v1/api-keys").json() == []
    assert other.http.delete(f"/v1/api-keys/{revoked['id']}").status_code == 404

    oai = client(live_server, str(revoked["key"]))
    assert [m.id for m in oai.models.list()] == []
    used = {k["name"]: k for k in owner.http.get("/v1/api-keys").json()}
    assert used["revoked"]["last_used_at"] is not None and used["kept"]["last_used_at"] is None

    assert owner.http.delete(f"/v1/api-keys/{revoked['id']}").status_code == 200
    with pytest.raises(openai.AuthenticationError) as refused:
        oai.models.list()
    assert refused.value.status_code == 401 and "revoked" in str(refused.value)
    assert [k["name"] for k in owner.http.get("/v1/api-keys").json()] == ["kept"]
    assert client(live_server, str(kept["key"])).models.list().data == []

    async with engine.begin() as conn:  # the clock cannot be moved: make the key's expiry past instead
        past = datetime.now(UTC) - timedelta(seconds=1)
        await conn.execute(update(ApiKey).where(ApiKey.id == kept["id"]).values(expires_at=past))
    with pytest.raises(openai.AuthenticationError, match="expired"):
        client(live_server, str(kept["key"])).models.list()
    with pytest.raises(openai.AuthenticationError):
        client(live_server, "cmk_not-a-real-key").models.list()


def test_bad_input_is_named(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("oai-bad")
    assistant_id = new_assistant(owner)
    last_not_user = owner.http.post(
        "/v1/chat/completions",
        json={"model": assistant_id, "messages": [{"role": "assistant", "content": "hello"}]},
    )
    assert last_not_user.status_code == 422 and last_not_user.json()["error"]["details"]["field"] == "messages"
    unknown = owner.http.post(
        "/v1/chat/completions", json={"model": "nope", "messages": [{"role": "user", "content": "x"}]}
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["details"]["field"] == "model"
    bad_header = owner.http.post(
        "/v1/chat/completions",
        json={"model": assistant_id, "messages": [{"role": "user", "content": "x"}]},
        headers={"X-Conversation-Id": "bad id!"},
    )
    assert bad_header.status_code == 422
    past = owner.http.post("/v1/api-keys", json={"name": "old", "expires_at": "2000-01-01T00:00:00Z"})
    assert past.status_code == 422
    blank = owner.http.post("/v1/api-keys", json={"name": "  "})
    assert blank.status_code == 422
