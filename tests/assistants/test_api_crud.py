"""Assistant CRUD, slugs, lists, prebuilt templates and tools through the CodeMie SDK on a live server."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import requests
from codemie_sdk.models.assistant import ContextType
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants.sealing import open_value
from codemill.models import Assistant
from tests.assistants.support import UTILITIES, create, server_cipher, update_request
from tests.conftest import TestUser, unique


def test_create_get_update_delete(make_user: Callable[..., TestUser]) -> None:
    user = make_user("crud")
    assistant_id = create(user)

    got = user.client.assistants.get(assistant_id)
    assert got.id == assistant_id and got.project == user.email
    assert got.llm_model_type == "mock" and got.temperature == 0.3 and got.top_p == 0.9
    assert got.system_prompt == "You help {{ current_user }} with {{ topic }}."
    assert [(t.toolkit, [tool.name for tool in t.tools]) for t in got.toolkits] == [("Utilities", ["calculator"])]
    assert [(c.context_type, c.name) for c in got.context] == [(ContextType.KNOWLEDGE_BASE.value, "handbook")]
    assert got.prompt_variables is not None and got.prompt_variables[0].key == "topic"
    assert got.conversation_starters == ["What is 2 + 2?"]
    assert got.categories == ["engineering"] and got.icon_url == "https://example.com/icon.png"
    assert got.created_by is not None and got.created_by.user_id == user.id
    assert got.creator == user.id and got.shared is True and got.is_global is False
    assert got.version_count == 1 and got.system_prompt_history == []
    assert got.user_abilities == ["read", "write", "delete"]

    updated = user.client.assistants.update(
        assistant_id,
        update_request(user, assistant_id, system_prompt="You are terse.", temperature=0.8, toolkits=[]),
    )
    assert updated.message == "Specified assistant updated"
    got = user.client.assistants.get(assistant_id)
    assert got.system_prompt == "You are terse." and got.temperature == 0.8 and got.toolkits == []
    assert got.version_count == 2
    assert [h.system_prompt for h in got.system_prompt_history] == ["You help {{ current_user }} with {{ topic }}."]

    assert user.client.assistants.delete(assistant_id) == {"message": "Specified assistant removed"}
    with pytest.raises(requests.HTTPError) as gone:
        user.client.assistants.get(assistant_id)
    assert gone.value.response.status_code == 404
    assert gone.value.response.json()["error"]["message"] == "Assistant not found"


def test_update_keeps_fields_it_does_not_send(make_user: Callable[..., TestUser]) -> None:
    user = make_user("partial")
    assistant_id = create(user)
    response = user.http.put(
        f"/v1/assistants/{assistant_id}", json={"name": "Renamed", "system_prompt": "You are brief."}
    )
    assert response.status_code == 200, response.text
    got = user.client.assistants.get(assistant_id)
    assert got.name == "Renamed" and got.system_prompt == "You are brief."
    assert got.temperature == 0.3 and got.conversation_starters == ["What is 2 + 2?"] and len(got.toolkits) == 1


def test_slugs(make_user: Callable[..., TestUser]) -> None:
    user = make_user("slug")
    slug = f"team/{unique('reviewer')}"
    first = create(user, slug=slug)
    assert user.client.assistants.get_by_slug(slug).id == first

    # Creating with a taken slug gets a suffixed one (CodeMie's behaviour) ...
    second = create(user, slug=slug)
    second_slug = user.client.assistants.get(second).slug
    assert second_slug is not None and second_slug != slug and second_slug.startswith(f"{slug}-")
    # ... but changing an assistant to another's slug is refused.
    response = user.http.put(f"/v1/assistants/{second}", json={"name": "x", "system_prompt": "p", "slug": slug})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Slug should be unique"

    with pytest.raises(requests.HTTPError) as missing:
        user.client.assistants.get_by_slug(f"{slug}-nope")
    assert missing.value.response.status_code == 404


def test_list_scopes_filters_pagination_and_sorting(make_user: Callable[..., TestUser]) -> None:
    user = make_user("lister")
    project = unique("asst-list")
    user.client.projects.create_project(name=project)
    names = [f"{chr(ord('a') + i)}-{unique('item')}" for i in range(5)]
    ids = [
        create(user, project, name=name, categories=["qa" if i % 2 else "docs"], description=f"number {i}")
        for i, name in enumerate(names)
    ]

    listed = user.client.assistants.list(filters={"project": project}, per_page=50)
    assert sorted(a.id for a in listed) == sorted(ids)
    full = user.client.assistants.list(minimal_response=False, filters={"project": project}, per_page=50)
    assert {a.project for a in full} == {project}

    pages = []
    for page in range(3):
        body = user.http.get(
            "/v1/assistants",
            params={
                "filters": json.dumps({"project": project}),
                "page": page,
                "per_page": 2,
                "sort_by": "name",
                "sort_order": "asc",
                "minimal_response": "true",
            },
        ).json()
        assert body["pagination"] == {"page": page, "per_page": 2, "total": 5, "pages": 3}
        pages.extend(item["name"] for item in body["data"])
    assert pages == sorted(names)

    qa = user.client.assistants.list(filters={"project": project, "categories": ["qa"]}, per_page=50)
    assert sorted(a.id for a in qa) == sorted([ids[1], ids[3]])
    searched = user.client.assistants.list(filters={"project": project, "search": "number 4"}, per_page=50)
    assert [a.id for a in searched] == [ids[4]]
    by_id = user.client.assistants.list(filters={"id": ids[:2]}, per_page=50)
    assert sorted(a.id for a in by_id) == sorted(ids[:2])
    mine = user.http.get("/v1/assistants", params={"scope": "created_by_user", "per_page": 100}).json()
    assert set(ids) <= {a["id"] for a in mine["data"]}
    other = make_user("other")
    assert other.http.get("/v1/assistants", params={"scope": "created_by_user"}).json()["data"] == []


def test_prebuilt_templates_and_tools(make_user: Callable[..., TestUser]) -> None:
    user = make_user("prebuilt")
    templates = user.client.assistants.get_prebuilt()
    slugs = {t.slug for t in templates}
    assert {"template-code-reviewer", "template-sql-helper", "template-incident-analyst"} <= slugs
    assert all(t.project == user.email and t.system_prompt for t in templates)

    reviewer = user.client.assistants.get_prebuilt_by_slug("template-code-reviewer")
    assert reviewer.name == "[Template] Code Reviewer"
    with pytest.raises(requests.HTTPError) as missing:
        user.client.assistants.get_prebuilt_by_slug("template-nope")
    assert missing.value.response.status_code == 404

    made = user.http.post("/v1/assistants/prebuilt/template-incident-analyst", json={"name": "On-call helper"})
    assert made.status_code == 200, made.text
    created = user.client.assistants.get(made.json()["assistantId"])
    incident = user.client.assistants.get_prebuilt_by_slug("template-incident-analyst")
    assert created.name == "On-call helper" and created.system_prompt == incident.system_prompt
    assert created.llm_model_type == "mock" and created.project == user.email
    assert [t.toolkit for t in created.toolkits] == ["Utilities"]

    toolkits = user.client.assistants.get_tools()
    utilities = next(t for t in toolkits if t.toolkit == UTILITIES["toolkit"])
    assert {"calculator", "current_datetime"} <= {tool.name for tool in utilities.tools}
    plugin = next(t for t in toolkits if t.toolkit == "Plugin")  # tools of the caller's own running plugins
    assert [tool.name for tool in plugin.tools] == ["Plugin"] and plugin.is_external


def test_system_prompt_validation_endpoint(make_user: Callable[..., TestUser]) -> None:
    user = make_user("render")
    ok = user.http.post(
        "/v1/assistants/system-prompt/validate",
        json={"system_prompt_template": "Hello {{ who }}", "prompt_vars": {"who": "team"}},
    )
    assert ok.status_code == 200 and ok.json()["rendered_prompt"] == "Hello team"
    bad = user.http.post("/v1/assistants/system-prompt/validate", json={"system_prompt_template": "{{ x.__class__ }}"})
    assert bad.status_code == 400 and bad.json()["error"]["details"]["field"] == "system_prompt_template"


async def test_secrets_are_masked_and_survive_round_trips(
    make_user: Callable[..., TestUser], db_session: AsyncSession
) -> None:
    user = make_user("secrets")
    mcp = {"name": "github", "config": {"command": "npx", "env": {"GITHUB_TOKEN": "ghp_real"}, "auth_token": "tok"}}
    variables = [
        {"key": "api_key", "default_value": "sk-real", "is_sensitive": True},
        {"key": "team", "default_value": "a"},
    ]
    made = user.http.post(
        "/v1/assistants",
        json={
            "name": "s",
            "system_prompt": "{{ team }}",
            "llm_model_type": "mock",
            "mcp_servers": [mcp],
            "prompt_variables": variables,
        },
    )
    assert made.status_code == 200, made.text
    assistant_id = made.json()["assistantId"]

    shown = user.http.get(f"/v1/assistants/id/{assistant_id}").json()
    assert shown["prompt_variables"][0]["default_value"] == "********"
    assert shown["prompt_variables"][1]["default_value"] == "a"
    assert shown["mcp_servers"][0]["config"]["env"] == {"GITHUB_TOKEN": "********"}
    assert shown["mcp_servers"][0]["config"]["auth_token"] == "********"
    assert "ghp_real" not in json.dumps(user.http.get(f"/v1/assistants/{assistant_id}/versions/1").json())

    # The SDK reads masks and sends them back (its PromptVariable has no is_sensitive): values are kept.
    user.client.assistants.update(assistant_id, update_request(user, assistant_id, description="changed"))
    got = user.client.assistants.get(assistant_id)
    assert got.description == "changed" and got.mcp_servers[0].config is not None
    assert got.mcp_servers[0].config.env == {"GITHUB_TOKEN": "********"}
    stored = await db_session.get(Assistant, assistant_id)
    assert stored is not None and stored.prompt_variables[0]["is_sensitive"]
    # Kept as they were stored: sealed (tests/assistants/test_secrets_at_rest.py), and opening to the values sent.
    cipher = server_cipher()
    assert await open_value(cipher, assistant_id, stored.prompt_variables[0]["default_value"]) == "sk-real"
    assert await open_value(cipher, assistant_id, stored.mcp_servers[0]["config"]["env"]["GITHUB_TOKEN"]) == "ghp_real"
    assert await open_value(cipher, assistant_id, stored.mcp_servers[0]["config"]["auth_token"]) == "tok"
    comparison = user.client.assistants.compare_versions(assistant_id, 1, 2)
    assert "sk-real" not in json.dumps(comparison) and "ghp_real" not in json.dumps(comparison)
