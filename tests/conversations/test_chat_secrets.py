"""Sensitive prompt-variable values are stored sealed, and opened for one place only: the system prompt
chat renders and sends to the model."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import TestUser
from tests.conversations.conftest import ProviderBackedServer


async def test_the_model_gets_the_sensitive_value_the_database_never_holds(
    make_user: Callable[..., TestUser],
    on_backed: Callable[[TestUser], TestUser],
    backed: ProviderBackedServer,
    db_session: AsyncSession,
) -> None:
    user = on_backed(make_user("chat-sealed"))
    api_key = f"sk-{secrets.token_hex(16)}"
    made = user.http.post(
        "/v1/assistants",
        json={
            "name": "billing",
            "system_prompt": "Call the billing API with key {{ api_key }}, for {{ team }}.",
            "llm_model_type": "fake-gpt",
            "prompt_variables": [
                {"key": "api_key", "default_value": api_key, "is_sensitive": True},
                {"key": "team", "default_value": "finance"},
            ],
        },
    )
    assert made.status_code == 200, made.text
    assistant_id = made.json()["assistantId"]
    dump = (
        await db_session.execute(text("SELECT a::text FROM assistants a WHERE id = :id"), {"id": assistant_id})
    ).scalar_one()
    assert api_key not in dump

    answer = user.http.post(f"/v1/assistants/{assistant_id}/model", json={"text": "What is my balance?"})
    assert answer.status_code == 200, answer.text
    system = backed.provider.script.requests[-1].body["messages"][0]
    assert system == {"role": "system", "content": f"Call the billing API with key {api_key}, for finance."}
    assert api_key not in answer.text
    assert api_key not in user.http.get(f"/v1/assistants/id/{assistant_id}").text
    assert api_key not in backed.codemill.log()
