"""Assistant categories (the SDK's `categories` service) and reactions to assistants, through the SDK."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from codemie_sdk.models.assistant import ReactionRequest, ReactionType
from codemie_sdk.models.categories import CategoryCreateRequest, CategoryUpdateRequest

from tests.conftest import TestUser, unique
from tests.conversations.support import chat, new_assistant


def refusal(call: Callable[[], object]) -> tuple[int, dict[str, object]]:
    with pytest.raises(requests.HTTPError) as failure:
        call()
    return failure.value.response.status_code, failure.value.response.json()["error"]


def test_categories_are_read_by_everyone_and_managed_by_admins(make_user: Callable[..., TestUser]) -> None:
    admin, user = make_user("cat-admin", is_admin=True), make_user("cat-user")

    shipped = {c.id: c.name for c in user.client.categories.get_categories()}
    assert shipped["engineering"] == "Engineering" and shipped["migration-modernization"] == "Migration & Modernization"

    name = unique("Release Engineering & QA")
    created = admin.client.categories.create_category(CategoryCreateRequest(name=name, description="Shipping"))
    expected_id = name.lower().replace(" & ", "-").replace(" ", "-")
    assert (created.id, created.name, created.marketplace_count, created.project_count) == (expected_id, name, 0, 0)
    assert expected_id in {c.id for c in user.client.categories.get_categories()}

    # Assistants filed under it are counted, the marketplace apart from projects.
    project_assistant = new_assistant(user, categories=[expected_id])
    published = new_assistant(admin, categories=[expected_id])
    admin.client.assistants.publish(published)
    counted = admin.client.categories.get_category(expected_id)
    assert (counted.marketplace_count, counted.project_count) == (1, 1)
    listed = admin.client.categories.list_categories(page=0, per_page=100)
    assert listed.metadata.total >= 19 and listed.metadata.per_page == 100
    assert any(c.id == expected_id and c.project_count == 1 for c in listed.items)

    # Renamed: the id (and so the assistants' filing) stays.
    renamed = admin.client.categories.update_category(
        expected_id, CategoryUpdateRequest(name=name + " renamed", description=None)
    )
    assert renamed.id == expected_id and renamed.name == name + " renamed" and renamed.project_count == 1

    # In use: 409; a duplicate name: 400; unknown: 404 in CodeMie's words.
    status, error = refusal(lambda: admin.client.categories.delete_category(expected_id))
    assert status == 409 and "1 marketplace and 1 project assistants" in str(error["details"])
    status, error = refusal(lambda: admin.client.categories.create_category(CategoryCreateRequest(name="Engineering")))
    assert status == 400 and error["message"] == "Cannot create category"
    status, error = refusal(lambda: admin.client.categories.get_category("no-such-category"))
    assert (status, error["message"]) == (404, "Category not found")

    # Not an admin: 403 for every change and for the counted views.
    for call in (
        lambda: user.client.categories.create_category(CategoryCreateRequest(name=unique("Mine"))),
        lambda: user.client.categories.update_category(expected_id, CategoryUpdateRequest(name="x")),
        lambda: user.client.categories.delete_category(expected_id),
        lambda: user.client.categories.get_category(expected_id),
        lambda: user.client.categories.list_categories(),
    ):
        status, error = refusal(call)
        assert (status, error["message"]) == (403, "Access denied")

    # Once no assistant uses it, it goes.
    user.client.assistants.delete(project_assistant)
    admin.client.assistants.delete(published)
    admin.client.categories.delete_category(expected_id)
    assert expected_id not in {c.id for c in user.client.categories.get_categories()}


def test_reactions_to_assistants(make_user: Callable[..., TestUser]) -> None:
    owner, fan, outsider = make_user("react-owner"), make_user("react-fan"), make_user("react-outsider")
    project = unique("reactions")
    owner.client.projects.create_project(name=project)
    owner.client.projects.assign_user_to_project(project, fan.id, is_project_admin=False)
    assistant_id = new_assistant(owner, project=project, shared=True)

    liked = fan.client.assistants.react(assistant_id, ReactionRequest(reaction=ReactionType.LIKE))
    assert (liked["resourceId"], liked["resourceType"], liked["reaction"]) == (assistant_id, "assistant", "like")
    assert liked["reactionAt"] and liked["unique_likes_count"] == 1
    owner.client.assistants.react(assistant_id, ReactionRequest(reaction=ReactionType.LIKE))
    # The opposite reaction replaces the first.
    disliked = fan.client.assistants.react(assistant_id, ReactionRequest(reaction=ReactionType.DISLIKE))
    assert (disliked["unique_likes_count"], disliked["unique_dislikes_count"]) == (1, 1)
    removed = fan.client.assistants.remove_reactions(assistant_id)
    assert removed["reaction"] is None and (removed["unique_likes_count"], removed["unique_dislikes_count"]) == (1, 0)

    # The assistant itself carries the counters: likes, dislikes and the users who chatted with it.
    chat(fan, assistant_id, "hello")
    chat(owner, assistant_id, "hello")
    chat(fan, assistant_id, "again")
    fan.client.assistants.react(assistant_id, ReactionRequest(reaction=ReactionType.DISLIKE))
    shown = fan.http.get(f"/v1/assistants/id/{assistant_id}").json()
    assert (shown["unique_users_count"], shown["unique_likes_count"], shown["unique_dislikes_count"]) == (2, 1, 1)
    listed = fan.http.get("/v1/assistants", params={"scope": "visible_to_user", "per_page": 100}).json()["data"]
    item = next(a for a in listed if a["id"] == assistant_id)
    assert (item["unique_users_count"], item["unique_likes_count"], item["unique_dislikes_count"]) == (2, 1, 1)

    # Someone who cannot see the assistant is told it does not exist.
    status, error = refusal(
        lambda: outsider.client.assistants.react(assistant_id, ReactionRequest(reaction=ReactionType.LIKE))
    )
    assert (status, error["message"]) == (404, "Assistant not found")
    bad = fan.http.post(f"/v1/assistants/{assistant_id}/reactions", json={"reaction": "love"})
    assert bad.status_code == 422


def test_publish_check_names_sub_assistants_and_lent_integrations(make_user: Callable[..., TestUser]) -> None:
    owner, outsider = make_user("pubcheck-owner"), make_user("pubcheck-outsider")
    plain = new_assistant(owner)
    check = owner.client.assistants.marketplace_validate(plain)
    assert check["assistant_id"] == plain and check["requires_confirmation"] is False
    assert "is ready to be published" in check["message"]
    assert check["sub_assistants"] == [] and check["inline_credentials"] == []

    # The owner's own Git integration on a sub-assistant: marketplace users would chat with it.
    alias = unique("git")
    made = owner.http.post(
        "/v1/settings/user",
        json={
            "project_name": owner.email,
            "alias": alias,
            "credential_type": "Git",
            "credential_values": [
                {"key": "url", "value": "https://git.example.com/a.git"},
                {"key": "token", "value": "ghp_secret_value"},
            ],
        },
    )
    assert made.status_code == 200, made.text
    ref = {"id": made.json()["id"], "credential_type": "Git", "project_name": "", "credential_values": []}
    sub_name = unique("Git helper")
    sub = new_assistant(
        owner, name=sub_name, toolkits=[{"toolkit": "Git", "tools": [{"name": "git_tool"}], "settings": ref}]
    )
    parent = new_assistant(owner, assistant_ids=[sub])

    check = owner.client.assistants.marketplace_validate(parent)
    assert check["requires_confirmation"] is True
    assert "sub-assistants contain inline integration credentials" in check["message"]
    assert [(s["id"], s["name"], s["is_global"]) for s in check["sub_assistants"]] == [(sub, sub_name, False)]
    (lent,) = check["inline_credentials"]
    assert (lent["toolkit"], lent["credential_type"], lent["label"]) == ("Git", "Git", alias)
    assert (lent["sub_assistant_id"], lent["sub_assistant_name"]) == (sub, sub_name)
    assert "ghp_secret_value" not in str(check)

    status, error = refusal(lambda: outsider.client.assistants.marketplace_validate(parent))
    assert (status, error["message"]) == (404, "Assistant not found")


def test_creators_of_the_assistants_a_user_sees(make_user: Callable[..., TestUser]) -> None:
    maker, colleague, stranger = make_user("creator"), make_user("creator-colleague"), make_user("creator-stranger")
    project = unique("creators")
    maker.client.projects.create_project(name=project)
    maker.client.projects.assign_user_to_project(project, colleague.id, is_project_admin=False)
    new_assistant(maker, project=project, shared=True)

    def creators(user: TestUser) -> set[str]:
        response = user.http.get("/v1/assistants/users")
        assert response.status_code == 200, response.text
        return {c["user_id"] for c in response.json()}

    assert maker.id in creators(maker) and maker.id in creators(colleague)
    assert maker.id not in creators(stranger)
