"""GET /v1/user/reactions (what the caller reacted to) and GET /v1/profile (CodeMie's alias of /v1/user)."""

from __future__ import annotations

from collections.abc import Callable

from codemie_sdk.models.assistant import ReactionRequest, ReactionType
from codemie_sdk.models.skill import SkillCreateRequest, SkillVisibility

from tests.conftest import TestUser, unique
from tests.conversations.support import new_assistant


def test_the_callers_reactions_newest_first(make_user: Callable[..., TestUser]) -> None:
    owner, fan = make_user("reacted-owner"), make_user("reacted-fan")
    project = unique("reacted")
    owner.client.projects.create_project(name=project)
    owner.client.projects.assign_user_to_project(project, fan.id, is_project_admin=False)
    assistant_id = new_assistant(owner, project=project, shared=True, slug=unique("reacted"))
    skill = owner.client.skills.create(
        SkillCreateRequest(
            name=unique("reacted-skill"),
            description="Checks things",
            content="# Check",
            project=project,
            visibility=SkillVisibility.PROJECT,
        )
    )
    fan.client.assistants.react(assistant_id, ReactionRequest(reaction=ReactionType.LIKE))
    fan.client.skills.react(skill.id, "dislike")
    owner.client.assistants.react(assistant_id, ReactionRequest(reaction=ReactionType.DISLIKE))  # not the fan's

    def reactions(**params: object) -> list[dict[str, object]]:
        response = fan.http.get("/v1/user/reactions", params=params)
        assert response.status_code == 200, response.text
        items: list[dict[str, object]] = response.json()["items"]
        return items

    # Assistants by default, minimal unless details are asked for.
    (only,) = reactions()
    assert (only["resourceId"], only["resourceType"], only["reaction"]) == (assistant_id, "assistant", "like")
    assert "name" not in only and only["reactionAt"]
    both = reactions(resource_type="all", include_details="true")
    assert [(i["resourceType"], i["reaction"]) for i in both] == [("skill", "dislike"), ("assistant", "like")]
    skill_item, assistant_item = both
    assert (skill_item["name"], skill_item["project"], skill_item["visibility"]) == (skill.name, project, "project")
    assert (assistant_item["project"], assistant_item["slug"]) == (
        project,
        owner.client.assistants.get(assistant_id).slug,
    )
    assert [i["resourceType"] for i in reactions(resource_type="skills", reaction_type="dislike")] == ["skill"]
    assert reactions(resource_type="skills", reaction_type="like") == []

    # Once the fan cannot see the assistant any more, its details are not shown.
    owner.client.projects.remove_user_from_project(project, fan.id)
    (hidden,) = reactions(include_details="true")
    assert hidden["resourceId"] == assistant_id and "name" not in hidden

    bad = fan.http.get("/v1/user/reactions", params={"reaction_type": "love"})
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "Invalid reaction type"


def test_profile_is_the_user(make_user: Callable[..., TestUser]) -> None:
    user = make_user("profile")
    profile = user.http.get("/v1/profile")
    assert profile.status_code == 200
    assert profile.json() == user.http.get("/v1/user").json()
    assert profile.json()["user_id"] == user.id
