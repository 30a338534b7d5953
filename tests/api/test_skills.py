"""Skills through the CodeMie SDK's `skills` service: CRUD and visibility, files, import/export, assistants,
marketplace, reactions, events; the built-in sub-agent catalogue."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable

import httpx
import pytest
import requests
from codemie_sdk import CodeMieClient
from codemie_sdk.models.skill import (
    SkillCompanionFilePayload,
    SkillCreateRequest,
    SkillEventRequest,
    SkillImportRequest,
    SkillUpdateRequest,
    SkillVisibility,
)

from tests.conftest import TestUser, unique
from tests.conversations.support import new_assistant

INSTRUCTIONS = "# Release notes\n\nCollect merged changes and group them by kind."


def status_of(call: Callable[[], object]) -> int:
    with pytest.raises(requests.HTTPError) as failure:
        call()
    return failure.value.response.status_code


def new_skill(user: TestUser, project: str | None = None, **fields: object) -> str:
    request = SkillCreateRequest(
        **(
            {
                "name": unique("release-notes"),
                "description": "Writes release notes",
                "content": INSTRUCTIONS,
                "project": project or user.email,
            }
            | fields
        )
    )
    return user.client.skills.create(request).id


def test_crud_visibility_and_files(make_user: Callable[..., TestUser]) -> None:
    owner, member, outsider = make_user("skill-owner"), make_user("skill-member"), make_user("skill-outsider")
    project = unique("skills")
    owner.client.projects.create_project(name=project)
    owner.client.projects.assign_user_to_project(project, member.id, is_project_admin=False)

    readme = SkillCompanionFilePayload(path="references/guide.md", content="Group by feat/fix.")
    created = owner.client.skills.create(
        SkillCreateRequest(
            name="release-notes",
            description="Writes release notes",
            content=INSTRUCTIONS,
            project=project,
            categories=["documentation"],
            enabled_builtin_subagents=["explore"],
            companion_files=[readme],
        )
    )
    assert created.visibility == SkillVisibility.PROJECT and created.created_by.user_id == owner.id
    assert [f.path for f in created.companion_files] == ["references/guide.md"]
    assert created.companion_files[0].size_bytes == len(b"Group by feat/fix.")
    private = new_skill(owner, project, visibility=SkillVisibility.PRIVATE)

    # Project members read project skills, not private ones; outsiders read neither.
    assert member.client.skills.get(created.id).content == INSTRUCTIONS
    assert status_of(lambda: member.client.skills.get(private)) == 404
    gone = outsider.http.get(f"/v1/skills/{created.id}")
    assert gone.status_code == 404 and gone.json()["error"]["message"] == "Skill not found"
    listed = {s.id for s in member.client.skills.list(per_page=100, filters={"project": project}).skills}
    assert listed == {created.id}
    assert {s.id for s in owner.client.skills.list(filters={"project": project}).skills} == {created.id, private}
    assert member.client.skills.get_companion_file(created.id, "references/guide.md").content == "Group by feat/fix."
    assert status_of(lambda: member.client.skills.get_companion_file(created.id, "nope.md")) == 404

    # Only the creator changes it: members get CodeMie's permission refusal.
    refused = member.http.put(f"/v1/skills/{created.id}", json={"description": "mine now"})
    assert refused.status_code == 403 and refused.json()["error"]["message"] == "Access denied"
    updated = owner.client.skills.update(created.id, SkillUpdateRequest(description="Writes better notes"))
    assert updated.description == "Writes better notes" and updated.content == INSTRUCTIONS

    # Bad input: names, duplicates, unknown sub-agents and categories, escaping file paths.
    bad = {"description": "d", "content": "c", "project": project}
    assert owner.http.post("/v1/skills", json=bad | {"name": "Not Kebab"}).status_code == 422
    assert owner.http.post("/v1/skills", json=bad | {"name": "release-notes"}).status_code == 409
    unknown = owner.http.post(
        "/v1/skills", json=bad | {"name": unique("x"), "enabled_builtin_subagents": ["no-such-agent"]}
    )
    assert unknown.status_code == 400 and unknown.json()["error"]["details"]["unknown"] == ["no-such-agent"]
    assert owner.http.post("/v1/skills", json=bad | {"name": unique("x"), "categories": ["nope"]}).status_code == 422
    escape = [{"path": "../../etc/passwd", "content": "x"}]
    assert owner.http.post("/v1/skills", json=bad | {"name": unique("x"), "companion_files": escape}).status_code == 422
    assert outsider.http.post("/v1/skills", json=bad | {"name": unique("x")}).status_code == 404

    assert owner.id in {u["user_id"] for u in member.client.skills.get_users()}
    assert owner.id not in {u["user_id"] for u in outsider.client.skills.get_users()}
    assert status_of(lambda: member.client.skills.delete(created.id)) == 403
    owner.client.skills.delete(created.id)
    assert status_of(lambda: owner.client.skills.get(created.id)) == 404
    categories = {c.value for c in owner.client.skills.list_categories()}
    assert "documentation" in categories
    assert owner.client.skills.get_config().max_content_length >= 10_000


def test_import_and_export(make_user: Callable[..., TestUser]) -> None:
    user = make_user("skill-io")
    markdown = "---\nname: code-review\ndescription: Reviews a change\n---\n\n# Review\n\nLook for bugs.\n"
    imported = user.client.skills.import_skill(
        SkillImportRequest(file_content=markdown, filename="SKILL.md", project=user.email)
    )
    assert imported.name == "code-review" and imported.content == "# Review\n\nLook for bugs."
    exported = user.client.skills.export(imported.id)
    assert exported.startswith("---\nname: code-review\ndescription: Reviews a change\n---")
    assert "Look for bugs." in exported

    with_files = user.http.post(
        "/v1/skills/import",
        json={
            "file_content": markdown.replace("code-review", "code-review-2"),
            "filename": "SKILL.md",
            "project": user.email,
            "companion_files": [{"path": "checklist.md", "content": "- tests"}],
        },
    ).json()
    zipped = user.http.get(f"/v1/skills/{with_files['id']}/export", params={"bundle": "true"})
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert sorted(archive.namelist()) == ["code-review-2/SKILL.md", "code-review-2/checklist.md"]
        assert archive.read("code-review-2/checklist.md") == b"- tests"

    for bad in ("no front matter", "---\nname: x\n---\nbody", "---\nname: Bad Name\ndescription: d\n---\nbody"):
        refused = user.http.post(
            "/v1/skills/import", json={"file_content": bad, "filename": "SKILL.md", "project": user.email}
        )
        assert refused.status_code == 400 and refused.json()["error"]["message"] == "Invalid skill file"
    wrong_type = user.http.post(
        "/v1/skills/import", json={"file_content": markdown, "filename": "skill.txt", "project": user.email}
    )
    assert wrong_type.status_code == 400


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in entries.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def test_a_bundle_zip_is_previewed_for_import(make_user: Callable[..., TestUser]) -> None:
    user = make_user("skill-bundle")
    skill_md = b"---\nname: release-notes\ndescription: Writes release notes\n---\n\n# Notes\n\nGroup changes.\n"
    logo = bytes(range(256))
    bundle = _zip(
        {
            "release-notes/SKILL.md": skill_md,
            "release-notes/references/guide.md": b"Group by feat/fix.",
            "release-notes/assets/logo.png": logo,
            "__MACOSX/release-notes/._SKILL.md": b"junk",
        }
    )

    def preview(data: bytes) -> httpx.Response:
        return user.http.post(
            "/v1/skills/import-bundle-preview", files={"file": ("skill.zip", data, "application/zip")}
        )

    response = preview(bundle)
    assert response.status_code == 200, response.text
    shown = response.json()
    assert (shown["name"], shown["description"], shown["content"]) == (
        "release-notes",
        "Writes release notes",
        "# Notes\n\nGroup changes.",
    )
    files = {f["path"]: f for f in shown["companion_files"]}
    assert set(files) == {"references/guide.md", "assets/logo.png"}
    assert files["references/guide.md"]["encoding"] == "text"
    assert files["references/guide.md"]["content"] == "Group by feat/fix."
    assert files["assets/logo.png"]["encoding"] == "base64"
    assert base64.b64decode(files["assets/logo.png"]["content"]) == logo
    assert files["assets/logo.png"]["mime_type"] == "image/png"
    # Nothing was stored (other tests' marketplace skills may be listed); what the preview gives imports as it is.
    assert [s.name for s in user.client.skills.list().skills if s.name == "release-notes"] == []
    imported = user.http.post(
        "/v1/skills/import",
        json={
            "file_content": skill_md.decode(),
            "filename": "SKILL.md",
            "project": user.email,
            "companion_files": shown["companion_files"],
        },
    )
    assert imported.status_code == 201, imported.text
    stored = user.client.skills.get_companion_file(imported.json()["id"], "assets/logo.png")
    assert base64.b64decode(stored.content) == logo

    for data, reason in (
        (b"not a zip", "not a zip archive"),
        (_zip({"a/SKILL.md": skill_md, "b/SKILL.md": skill_md}), "exactly one SKILL.md"),
        (_zip({"a/SKILL.md": skill_md, "elsewhere.md": b"x"}), "not inside the skill's folder"),
        (_zip({"SKILL.md": skill_md, "big.bin": b"0" * 1_000_001}), "larger than 1000000 bytes"),
        (_zip({"SKILL.md": b"no front matter"}), "no YAML front matter"),
    ):
        refused = preview(data)
        assert refused.status_code == 400, (reason, refused.text)
        assert reason in refused.json()["error"]["details"]


def test_assistants_marketplace_reactions(make_user: Callable[..., TestUser]) -> None:
    owner, other = make_user("skill-attach"), make_user("skill-other")
    skill_id = new_skill(owner)
    first, second = new_assistant(owner), new_assistant(owner)
    foreign = new_assistant(other)

    assert owner.client.skills.attach_to_assistant(first, skill_id) == {"message": "Skill attached successfully"}
    assert [s.id for s in owner.client.skills.get_assistant_skills(first)] == [skill_id]
    bulk = owner.client.skills.bulk_attach_to_assistants(skill_id, [first, second, foreign])
    assert bulk["success_count"] == 2 and [f["assistant_id"] for f in bulk["failures"]] == [foreign]
    assert {a["id"] for a in owner.client.skills.get_skill_assistants(skill_id)} == {first, second}
    listed = owner.http.get(
        "/v1/skills", params={"assistant_id": second, "filters": f'{{"project": "{owner.email}"}}'}
    ).json()["skills"]
    assert [(s["id"], s["is_attached"], s["assistantsCount"]) for s in listed] == [(skill_id, True, 2)]

    # The other user cannot read the skill (private project), so cannot attach it; nor touch owner's assistants.
    assert status_of(lambda: other.client.skills.attach_to_assistant(foreign, skill_id)) == 404
    assert status_of(lambda: other.client.skills.detach_from_assistant(first, skill_id)) == 404

    # Published: everyone reads it, reacts, and may attach it to their own assistants.
    assert status_of(lambda: other.client.skills.publish(skill_id)) == 404
    owner.client.skills.publish(skill_id, categories=["development"])
    public = other.client.skills.get(skill_id)
    assert public.visibility == SkillVisibility.PUBLIC and public.categories == ["development"]
    market = other.client.skills.list(filters={"scope": "marketplace"}, per_page=100).skills
    assert skill_id in {s.id for s in market}
    other.client.skills.attach_to_assistant(foreign, skill_id)
    assert other.client.skills.react(skill_id, "like")["reaction"] == "like"
    assert other.client.skills.get(skill_id).reactions_count == 1
    assert other.client.skills.react(skill_id, "dislike")["reaction"] == "dislike"
    assert other.client.skills.get(skill_id).reactions_count == 0
    other.client.skills.remove_reactions(skill_id)
    assert status_of(lambda: other.client.skills.unpublish(skill_id)) == 403
    owner.client.skills.unpublish(skill_id)
    assert status_of(lambda: other.client.skills.get(skill_id)) == 404

    owner.client.skills.detach_from_assistant(first, skill_id)
    assert owner.client.skills.get_assistant_skills(first) == []
    assert status_of(lambda: owner.client.skills.detach_from_assistant(first, skill_id)) == 404


def test_events_and_stats(make_user: Callable[..., TestUser], admin_client: CodeMieClient) -> None:
    user = make_user("skill-events")
    slug = unique("slug")
    for command, agent in (("add", "claude"), ("add", "codex"), ("remove", "claude")):
        user.client.skills.record_event(
            SkillEventRequest(
                session_id="s1", command=command, status="completed", skill_slug=slug, target_agents=[agent]
            ).model_copy(update={"agent": agent})
        )
    user.client.skills.record_event(SkillEventRequest(session_id="s1", command="add", status="failed", skill_slug=slug))
    stats = user.client.skills.get_skill_stats(slug)
    assert (stats.installs, stats.removals, stats.by_agent) == (2, 1, {"claude": 1, "codex": 1})
    mine = user.client.skills.get_events()
    assert len(mine) == 4 and {e.user_id for e in mine} == {user.id}
    assert any(s.skill_slug == slug and s.installs == 2 for s in admin_client.skills.get_events_stats(limit=1000))
    bad = user.http.post("/v1/skills/events", json={"session_id": "s", "command": "explode", "status": "completed"})
    assert bad.status_code == 422


def test_builtin_subagents_on_assistants(make_user: Callable[..., TestUser]) -> None:
    user = make_user("subagents")
    catalogue = {s.id for s in user.client.assistants.get_builtin_subagents()}
    assert {"general-purpose", "explore"} <= catalogue
    assistant_id = new_assistant(user, enabled_builtin_subagents=["explore"])
    assert user.client.assistants.get(assistant_id).enabled_builtin_subagents == ["explore"]
    with pytest.raises(requests.HTTPError) as refused:
        new_assistant(user, enabled_builtin_subagents=["explore", "no-such-agent"])
    assert refused.value.response.status_code == 400
    assert "no-such-agent" in refused.value.response.json()["error"]["message"]
