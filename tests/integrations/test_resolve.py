"""credentials_for: the caller's mapping for the assistant → explicit id → assistant's own → caller's in the
project → caller's global → project's.

One test per step, plus Git matching by repository URL then host, and the mapping's rules (a marketplace
assistant's own integration wins; a mapping is checked again when used).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.principal import Principal
from codemill.errors import NotFound, Unprocessable
from codemill.integrations import service
from codemill.integrations.resolve import ResolvedCredentials, credentials_for, repo_match
from codemill.integrations.schemas import CredentialValue, IntegrationIn
from codemill.integrations.sealing import CIPHER_INFO_KEY
from codemill.kit.crypto import Keyring, LocalKeyProvider, SecretCipher
from codemill.models import Assistant, AssistantUserMapping, Project, ProjectMember, User
from tests.conftest import MASTER_KEY


@dataclass
class World:
    session: AsyncSession
    project: str
    alice: Principal  # the caller, a member of the project
    bob: Principal  # the project's admin; creates assistants and project integrations
    carol: Principal  # someone else entirely

    async def make(self, who: Principal, scope: str, ctype: str, values: dict[str, Any], **kw: Any) -> str:
        body = IntegrationIn(
            project_name=kw.pop("project", self.project),
            alias=kw.pop("alias", f"i-{uuid.uuid4().hex[:6]}"),
            credential_type=ctype,
            credential_values=[CredentialValue(key=k, value=v) for k, v in values.items()],
            **kw,
        )
        integration, _ = await service.create(self.session, who, scope, body)  # type: ignore[arg-type]
        return integration.id


def _principal(user: User, projects: dict[str, bool]) -> Principal:
    return Principal(user.id, user.email, user.username, user.name, False, "local", projects=projects)


@pytest.fixture
async def world(db_session: AsyncSession) -> World:
    keyring = Keyring.from_secrets(MASTER_KEY)
    db_session.info[CIPHER_INFO_KEY] = SecretCipher(LocalKeyProvider(lambda: keyring))
    suffix = uuid.uuid4().hex[:8]
    users = [
        User(email=f"{n}-{suffix}@example.com", username=f"{n}-{suffix}", name=n) for n in ("alice", "bob", "carol")
    ]
    project = f"resolve-{suffix}"
    db_session.add_all([*users, Project(name=project)])
    await db_session.flush()
    for user, admin in ((users[0], False), (users[1], True)):
        db_session.add(ProjectMember(project_name=project, user_id=user.id, is_project_admin=admin))
    for user in users:
        db_session.add(Project(name=user.email, project_type="personal"))
    await db_session.flush()
    alice = _principal(users[0], {project: False, users[0].email: True})
    bob = _principal(users[1], {project: True})
    carol = _principal(users[2], {users[2].email: True})
    return World(db_session, project, alice, bob, carol)


def jira(token: str) -> dict[str, str]:
    return {"url": "https://jira.example.com", "token": token}


async def test_explicit_integration_id_comes_first(world: World) -> None:
    await world.make(world.alice, "user", "Jira", jira("in-project"))
    chosen = await world.make(world.alice, "user", "Jira", jira("explicit-token"), is_global=True)
    found = await credentials_for(world.session, world.alice, world.project, None, "Jira", integration_id=chosen)
    assert found is not None and found.source == "explicit" and found.values["token"] == "explicit-token"
    assert "explicit-token" not in repr(found)

    foreign = await world.make(world.carol, "user", "Jira", jira("carol"), project=world.carol.email)
    with pytest.raises(NotFound):
        await credentials_for(world.session, world.alice, world.project, None, "Jira", integration_id=foreign)
    with pytest.raises(Unprocessable, match="not Git"):
        await credentials_for(world.session, world.alice, world.project, None, "Git", integration_id=chosen)


async def test_assistant_own_integration_comes_second(world: World) -> None:
    bobs = await world.make(world.bob, "user", "Jira", jira("bob-attached"))
    carols = await world.make(world.carol, "user", "Jira", jira("carol"), project=world.carol.email)
    await world.make(world.alice, "user", "Jira", jira("alice-own"))
    assistant = Assistant(
        name="helper",
        project=world.project,
        created_by=world.bob.user_id,
        toolkits=[
            {
                "toolkit": "Project Management",
                "tools": [{"name": "jira", "settings": {"id": carols}}],
                "settings": {"id": bobs, "credential_type": "Jira"},
            },
        ],
    )
    world.session.add(assistant)
    await world.session.flush()
    found = await credentials_for(world.session, world.alice, world.project, assistant, "Jira")
    assert found is not None and found.source == "assistant" and found.values["token"] == "bob-attached"

    # What the creator could not have attached (another user's personal integration) is never lent.
    assistant.toolkits = [{"toolkit": "x", "tools": [], "settings": {"id": carols}}]
    found = await credentials_for(world.session, world.alice, world.project, assistant, "Jira")
    assert found is not None and found.source == "user_project" and found.values["token"] == "alice-own"


async def test_callers_project_integration_comes_third(world: World) -> None:
    await world.make(world.bob, "project", "Jira", jira("project"))
    await world.make(world.alice, "user", "Jira", jira("global"), is_global=True)
    await world.make(world.alice, "user", "Jira", jira("mine-here"))
    await world.make(world.alice, "user", "Jira", jira("mine-elsewhere"), project=world.alice.email)
    found = await credentials_for(world.session, world.alice, world.project, None, "Jira")
    assert found is not None and (found.source, found.values["token"]) == ("user_project", "mine-here")


async def test_callers_global_integration_comes_fourth(world: World) -> None:
    await world.make(world.bob, "project", "Jira", jira("project"))
    await world.make(world.alice, "user", "Jira", jira("global"), is_global=True, project=world.alice.email)
    await world.make(world.alice, "user", "Jira", jira("mine-elsewhere"), project=world.alice.email)
    found = await credentials_for(world.session, world.alice, world.project, None, "Jira")
    assert found is not None and (found.source, found.values["token"]) == ("user_global", "global")


async def test_project_integration_comes_last(world: World) -> None:
    await world.make(world.bob, "project", "Jira", jira("first"))
    await world.make(world.bob, "project", "Jira", jira("the-default"), default=True)
    await world.make(world.bob, "project", "Jira", jira("newest"))
    await world.make(world.carol, "user", "Jira", jira("carol"), project=world.carol.email, is_global=True)
    found = await credentials_for(world.session, world.alice, world.project, None, "Jira")
    assert found is not None and (found.source, found.values["token"]) == ("project", "the-default")
    assert await credentials_for(world.session, world.alice, world.project, None, "AWS") is None
    with pytest.raises(NotFound):
        await credentials_for(world.session, world.carol, world.project, None, "Jira")


async def test_git_matches_repository_then_prefix_then_host_and_never_another_host(world: World) -> None:
    def git(url: str, token: str) -> dict[str, str]:
        return {"url": url, "token": token}

    await world.make(world.alice, "user", "Git", git("https://git.example.com", "host"))
    await world.make(world.alice, "user", "Git", git("https://git.example.com/team", "team"))
    await world.make(world.alice, "user", "Git", git("https://git.example.com/team/app.git", "exact"))
    await world.make(world.bob, "project", "Git", git("https://other.example.org", "project-other-host"))

    async def token(repo: str) -> str | None:
        found = await credentials_for(world.session, world.alice, world.project, None, "Git", repo_url=repo)
        return None if found is None else str(found.values["token"])

    assert await token("https://git.example.com/team/app") == "exact"
    assert await token("https://GIT.example.com/team/app.git/") == "exact"
    assert await token("https://git.example.com/team/api.git") == "team"
    assert await token("git@git.example.com:ops/deploy.git") == "host"
    assert await token("https://other.example.org/x/y.git") == "project-other-host"
    assert await token("https://evil.example.net/team/app.git") is None
    assert repo_match("https://git.example.com:8443", "https://git.example.com/a") is None


def test_values_never_in_repr() -> None:
    from codemill.integrations.resolve import ResolvedCredentials

    resolved = ResolvedCredentials("id", "Git", "alias", "explicit", {"token": "s3cret"})
    assert "s3cret" not in repr(resolved) and "s3cret" not in str(resolved)


# The caller's assistant user mapping.


async def _assistant(world: World, attached: str | None = None, **fields: Any) -> Assistant:
    settings = {"settings": {"id": attached, "credential_type": "Jira"}} if attached else {}
    assistant = Assistant(
        name="helper",
        project=world.project,
        created_by=world.bob.user_id,
        toolkits=[{"toolkit": "Project Management", "tools": [], **settings}],
        **fields,
    )
    world.session.add(assistant)
    await world.session.flush()
    return assistant


async def _map(world: World, assistant: Assistant, user_id: str, *ids: str, scope: str = "") -> None:
    slots = [{"name": "Jira", "integration_id": i} for i in ids]
    world.session.add(
        AssistantUserMapping(assistant_id=assistant.id, user_id=user_id, workflow_id=scope, tools_config=slots)
    )
    await world.session.flush()


async def test_the_callers_mapping_beats_the_assistants_integration(world: World) -> None:
    projects = await world.make(world.bob, "project", "Jira", jira("project-attached"))
    assistant = await _assistant(world, attached=projects)
    mine = await world.make(world.alice, "user", "Jira", jira("alice-mapped"), is_global=True)
    await _map(world, assistant, world.alice.user_id, "", mine)

    found = await credentials_for(world.session, world.alice, world.project, assistant, "Jira")
    assert found is not None and (found.source, found.values["token"]) == ("mapped", "alice-mapped")
    # Even over the integration the tool entry pins.
    pinned = await credentials_for(world.session, world.alice, world.project, assistant, "Jira", projects)
    assert pinned is not None and pinned.source == "mapped"
    # Others keep the assistant's; a workflow's mapping is not the chat's.
    others = await credentials_for(world.session, world.bob, world.project, assistant, "Jira")
    assert others is not None and (others.source, others.values["token"]) == ("assistant", "project-attached")
    await _map(world, assistant, world.bob.user_id, mine, scope="wf-1")
    others = await credentials_for(world.session, world.bob, world.project, assistant, "Jira")
    assert others is not None and others.source == "assistant"
    # A mapping of another type is no answer for this one.
    assert await credentials_for(world.session, world.alice, world.project, assistant, "Confluence") is None


async def test_a_marketplace_assistants_own_integration_wins(world: World) -> None:
    projects = await world.make(world.bob, "project", "Jira", jira("project-attached"))
    mine = await world.make(world.alice, "user", "Jira", jira("alice-mapped"))
    with_own = await _assistant(world, attached=projects, is_global=True)
    without = await _assistant(world, is_global=True)
    for assistant in (with_own, without):
        await _map(world, assistant, world.alice.user_id, mine)
    found = await credentials_for(world.session, world.alice, world.project, with_own, "Jira")
    assert found is not None and found.source == "assistant"
    found = await credentials_for(world.session, world.alice, world.project, without, "Jira")
    assert found is not None and (found.source, found.values["token"]) == ("mapped", "alice-mapped")


async def test_a_mapping_the_caller_may_no_longer_use_is_skipped(world: World) -> None:
    assistant = await _assistant(world)
    carols = await world.make(world.carol, "user", "Jira", jira("carol"), project=world.carol.email)
    elsewhere = await world.make(world.carol, "project", "Jira", jira("carol-project"), project=world.carol.email)
    await world.make(world.alice, "user", "Jira", jira("alice-own"))
    # Rows as a mapping saved before the integrations moved out of reach would leave them.
    await _map(world, assistant, world.alice.user_id, carols, elsewhere)
    found = await credentials_for(world.session, world.alice, world.project, assistant, "Jira")
    assert found is not None and (found.source, found.values["token"]) == ("user_project", "alice-own")


async def test_a_workflow_run_uses_the_workflows_mapping_slot_by_slot(world: World) -> None:
    projects = await world.make(world.bob, "project", "Jira", jira("project-attached"))
    assistant = await _assistant(world, attached=projects)
    everywhere = await world.make(world.alice, "user", "Jira", jira("alice-everywhere"))
    in_workflow = await world.make(world.alice, "user", "Jira", jira("alice-in-workflow"))
    await _map(world, assistant, world.alice.user_id, everywhere)
    await _map(world, assistant, world.alice.user_id, in_workflow, scope="wf-1")

    def token(found: ResolvedCredentials | None) -> str:
        assert found is not None and found.source == "mapped"
        return str(found.values["token"])

    alice, project = world.alice, world.project
    assert token(await credentials_for(world.session, alice, project, assistant, "Jira")) == "alice-everywhere"
    found = await credentials_for(world.session, alice, project, assistant, "Jira", workflow_id="wf-1")
    assert token(found) == "alice-in-workflow"
    found = await credentials_for(world.session, alice, project, assistant, "Jira", workflow_id="wf-2")
    assert token(found) == "alice-everywhere"  # another workflow: the assistant's mapping
    # "No integration" for the slot in this workflow: the assistant's own integration is used there.
    await world.session.execute(
        update(AssistantUserMapping)
        .where(AssistantUserMapping.workflow_id == "wf-1")
        .values(tools_config=[{"name": "Jira", "integration_id": ""}])
    )
    found = await credentials_for(world.session, alice, project, assistant, "Jira", workflow_id="wf-1")
    assert found is not None and (found.source, found.values["token"]) == ("assistant", "project-attached")
