"""Assistants written with AI through the configured model: a draft (/v1/assistants/generate), a system prompt
(/v1/assistants/prompt/generate) and recommendations (/v1/assistants/refine)."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.conftest import TestUser
from tests.conversations.conftest import ProviderBackedServer


def sent(backed: ProviderBackedServer) -> str:
    """What the last model call carried (system and user messages)."""
    return json.dumps(backed.provider.script.requests[-1].body["messages"])


def test_an_assistant_draft_keeps_only_what_exists(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("assistant-ai"))
    answer = {
        "name": "Release Notes Writer",
        "description": "Writes release notes from merged pull requests.",
        "categories": ["engineering", "astrology", "devops", "engineering", "security", "support"],
        "conversation_starters": ["Notes for 2.4?", "", "What changed?", "Summarise", "Group by kind", "Too many"],
        "system_prompt": "You write release notes.",
        "toolkits": [{"toolkit": "Utilities", "tools": [{"name": "calculator"}, {"name": "nope"}]}],
    }
    backed.provider.script.reply_next(f"```json\n{json.dumps(answer)}\n```")

    response = user.http.post("/v1/assistants/generate", json={"text": "an assistant for release notes"})

    assert response.status_code == 200, response.text
    draft = response.json()
    assert (draft["name"], draft["system_prompt"]) == ("Release Notes Writer", "You write release notes.")
    assert draft["categories"] == ["engineering", "devops", "security"]  # known ids, three at most
    assert draft["conversation_starters"] == ["Notes for 2.4?", "What changed?", "Summarise", "Group by kind"]
    assert draft["toolkits"] == [{"toolkit": "Utilities", "tools": [{"name": "calculator"}]}]
    assert "an assistant for release notes" in sent(backed) and "migration-modernization" in sent(backed)


def test_a_system_prompt_is_written_or_improved(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("prompt-ai"))
    backed.provider.script.reply_next("You are a careful reviewer of SQL migrations.")
    made = user.http.post("/v1/assistants/prompt/generate", json={"text": "reviews SQL migrations"})
    assert made.status_code == 200, made.text
    assert made.json() == {"system_prompt": "You are a careful reviewer of SQL migrations."}
    assert "reviews SQL migrations" in sent(backed)

    backed.provider.script.reply_next("You review SQL migrations for locking and rollbacks.")
    improved = user.http.post("/v1/assistants/prompt/generate", json={"system_prompt": "Review migrations."})
    assert improved.json()["system_prompt"] == "You review SQL migrations for locking and rollbacks."
    assert "Review migrations." in sent(backed)

    empty = user.http.post("/v1/assistants/prompt/generate", json={"text": "  "})
    assert empty.status_code == 422 and empty.json()["error"]["details"]["field"] == "text"


def test_refine_recommends_on_fields_toolkits_and_datasources(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("refine-ai"))
    answer = {
        "fields": [{"name": "description", "action": "change", "recommended": "Helps with emails.", "reason": "short"}],
        "toolkits": [
            {"toolkit": "Utilities", "tools": [{"name": "calculator", "action": "delete", "reason": "unused"}]}
        ],
        "context": [
            {"name": "email_templates", "action": "keep", "reason": "needed"},
            {"name": "invented", "action": "delete"},
        ],
    }
    backed.provider.script.reply_next(json.dumps(answer))

    response = user.http.post(
        "/v1/assistants/refine",
        json={
            "name": "Email",
            "description": "Emails",
            "system_prompt": "You help write emails",
            "context": [{"name": "email_templates", "context_type": "knowledge_base"}],
            "refine_prompt": "Make it more formal",
        },
    )

    assert response.status_code == 200, response.text
    out = response.json()
    assert out["fields"][0]["name"] == "description" and out["fields"][0]["recommended"] == "Helps with emails."
    assert out["toolkits"][0]["tools"][0]["action"] == "delete"
    assert [c["name"] for c in out["context"]] == ["email_templates"]  # only datasources the draft has
    assert "Make it more formal" in sent(backed) and "email_templates" in sent(backed)

    # Without context the draft's datasources are neither sent nor recommended on.
    backed.provider.script.reply_next(json.dumps(answer))
    without = user.http.post(
        "/v1/assistants/refine",
        json={
            "system_prompt": "You help",
            "context": [{"name": "email_templates", "context_type": "knowledge_base"}],
            "include_context": False,
        },
    )
    assert without.json()["context"] == [] and "email_templates" not in sent(backed)
