"""Skills written with AI through the configured model: instructions (the SDK's `generate_instructions`), a
whole draft (/v1/skills/generate) and recommendations (/v1/skills/refine)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import requests

from tests.conftest import TestUser
from tests.conversations.conftest import ProviderBackedServer


def sent(backed: ProviderBackedServer) -> str:
    """What the last model call carried (system and user messages)."""
    return json.dumps(backed.provider.script.requests[-1].body["messages"])


def test_instructions_are_written_and_refined_by_the_model(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("skill-ai"))
    written = "# Triage bugs\n\n1. Reproduce.\n2. Label by component."
    backed.provider.script.reply_next(f"```markdown\n{written}\n```")

    made = user.client.skills.generate_instructions(description="Triage incoming bug reports", skill_name="triage")

    assert made["instructions"] == written  # the fence around the whole answer is taken off
    assert made["metadata"]["llm_model"] == "fake-gpt"
    assert made["metadata"]["mode"] == "generate"
    assert made["metadata"]["output_tokens"] > 0
    assert "Triage incoming bug reports" in sent(backed) and "triage" in sent(backed)

    backed.provider.script.reply_next("# Triage bugs\n\n1. Reproduce on main.")
    refined = user.client.skills.generate_instructions(
        description="Say where to reproduce", existing_instructions=written
    )
    assert refined["instructions"] == "# Triage bugs\n\n1. Reproduce on main."
    assert refined["metadata"]["mode"] == "refine"
    assert "Label by component" in sent(backed)  # the existing instructions were given to the model


def test_refusals_name_the_problem(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("skill-ai-refused"))

    with pytest.raises(requests.HTTPError) as unknown:
        user.client.skills.generate_instructions(description="Anything", llm_model="no-such-model")
    assert unknown.value.response.status_code == 400
    assert unknown.value.response.json()["error"]["details"]["llm_model"] == "no-such-model"

    empty = user.http.post("/v1/skills/instructions/generate", json={})
    assert empty.status_code == 422 and empty.json()["error"]["details"]["field"] == "description"

    backed.provider.script.fail_next(500, 500, 500)
    failed = user.http.post("/v1/skills/instructions/generate", json={"description": "Anything"})
    assert failed.status_code == 502
    assert failed.json()["error"]["message"] == "Failed to generate instructions"
    assert set(failed.json()["error"]) == {"message", "details", "help"}


def test_a_skill_draft_keeps_only_what_exists(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("skill-ai-draft"))
    answer = {
        "name": "Release Notes Writer!",
        "description": "Writes release notes from merged changes.",
        "instructions": "# Release notes\n\nGroup changes by kind.",
        "categories": ["Documentation", "devops", "astrology", "testing", "security"],
        "toolkits": [
            {"toolkit": "Utilities", "tools": [{"name": "calculator"}, {"name": "no_such_tool"}]},
            {"toolkit": "Imaginary", "tools": [{"name": "x"}]},
        ],
    }
    backed.provider.script.reply_next("Here it is:\n" + json.dumps(answer))

    response = user.http.post("/v1/skills/generate", json={"text": "a skill that writes release notes"})

    assert response.status_code == 200, response.text
    draft = response.json()
    assert draft["name"] == "release-notes-writer"
    assert draft["description"] == answer["description"]
    assert draft["instructions"] == answer["instructions"]
    assert draft["categories"] == ["documentation", "devops", "testing"]  # known ones, three at most
    assert draft["toolkits"] == [{"toolkit": "Utilities", "tools": [{"name": "calculator"}]}]
    assert "calculator" in sent(backed)  # the model was told which toolkits exist

    # Without tools no toolkit is offered or kept; prose instead of JSON still gives a draft.
    backed.provider.script.reply_next("# Summaries\n\nSummarize the thread in five bullets.")
    prose = user.http.post("/v1/skills/generate", json={"text": "Summarize long threads", "include_tools": False})
    assert prose.status_code == 200, prose.text
    assert prose.json()["name"] == "summarize-long-threads"
    assert prose.json()["instructions"] == "# Summaries\n\nSummarize the thread in five bullets."
    assert prose.json()["toolkits"] == []
    assert "calculator" not in sent(backed)


def test_refine_returns_the_models_recommendations(
    make_user: Callable[..., TestUser], on_backed: Callable[[TestUser], TestUser], backed: ProviderBackedServer
) -> None:
    user = on_backed(make_user("skill-ai-refine"))
    answer = {
        "fields": [
            {
                "name": "description",
                "action": "change",
                "recommended": "Use when tagging a release.",
                "reason": "vague",
            },
            {"name": "instructions", "action": "keep"},
            {"name": "broken", "action": "explode"},
        ],
        "toolkits": [
            {"toolkit": "Utilities", "tools": [{"name": "calculator", "action": "delete", "reason": "unused"}]},
            {"toolkit": "Imaginary", "tools": []},
        ],
    }
    backed.provider.script.reply_next(f"```json\n{json.dumps(answer)}\n```")

    response = user.http.post(
        "/v1/skills/refine",
        json={
            "name": "release-tagging",
            "description": "Tags",
            "instructions": "Tag the release.",
            "refine_prompt": "Make the description say when to use it",
        },
    )

    assert response.status_code == 200, response.text
    out = response.json()
    assert [(f["name"], f["action"]) for f in out["fields"]] == [("description", "change"), ("instructions", "keep")]
    assert out["fields"][0]["recommended"] == "Use when tagging a release."
    assert out["fields"][0]["severity"] == "critical"
    assert out["toolkits"] == [
        {
            "toolkit": "Utilities",
            "tools": [{"name": "calculator", "action": "delete", "reason": "unused", "severity": "critical"}],
        }
    ]
    assert out["context"] == []
    assert "Make the description say when to use it" in sent(backed) and "Tag the release." in sent(backed)

    nothing = user.http.post("/v1/skills/refine", json={"refine_prompt": "better"})
    assert nothing.status_code == 422
