"""At chat time an assistant's skills are offered as one tool that loads a skill's instructions on demand."""

from __future__ import annotations

import json
from collections.abc import Callable

from codemie_sdk.models.skill import SkillCreateRequest

from tests.conftest import TestUser, unique
from tests.conversations.conftest import ProviderBackedServer
from tests.conversations.support import new_assistant


def test_the_model_loads_an_attached_skill(
    make_user: Callable[..., TestUser],
    on_backed: Callable[[TestUser], TestUser],
    backed: ProviderBackedServer,
) -> None:
    user = on_backed(make_user("skill-chat"))
    name = unique("deploy-checklist")
    skill = user.client.skills.create(
        SkillCreateRequest(
            name=name, description="Steps before a deploy", content="1. Freeze merges.", project=user.email
        )
    )
    assistant_id = new_assistant(user, llm_model_type="fake-gpt")
    user.client.skills.attach_to_assistant(assistant_id, skill.id)

    # The fake model calls the first tool it is offered with the user's text as its first string argument.
    response = user.http.post(
        f"/v1/assistants/{assistant_id}/model",
        json={"text": name, "stream": True, "conversationId": f"sk-{user.id[:8]}"},
    )
    assert response.status_code == 200, response.text
    final = [json.loads(line) for line in response.text.splitlines() if line][-1]
    assert final["generated"] == "The tool said: 1. Freeze merges."

    offered = backed.provider.script.requests[0].body["tools"]
    assert [t["function"]["name"] for t in offered] == ["load_skill"]
    assert f"- {name}: Steps before a deploy" in offered[0]["function"]["description"]
    assert "1. Freeze merges." not in json.dumps(backed.provider.script.requests[0].body["messages"])

    # Detached: no skill tool any more.
    user.client.skills.detach_from_assistant(assistant_id, skill.id)
    user.http.post(f"/v1/assistants/{assistant_id}/model", json={"text": "hello", "conversationId": "x-" + user.id[:8]})
    assert (
        "tools" not in backed.provider.script.requests[-1].body or not backed.provider.script.requests[-1].body["tools"]
    )
