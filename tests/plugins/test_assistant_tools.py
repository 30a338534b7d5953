"""Which plugin key an assistant's chat uses: always the caller's (or their project's), never the key of
the assistant's creator; and which of the plugin's tools the Plugin toolkit enables."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.principal import Principal
from codemill.integrations import service
from codemill.integrations.schemas import IntegrationIn
from codemill.integrations.sealing import CIPHER_INFO_KEY
from codemill.kit.crypto import Keyring, LocalKeyProvider, SecretCipher
from codemill.models import Assistant, Project, ProjectMember, User
from codemill.plugins.assistant_tools import (
    caller_plugin_key,
    pinned_integration,
    plugin_toolkits,
    wanted_tools,
)
from tests.conftest import MASTER_KEY


@dataclass
class World:
    session: AsyncSession
    project: str
    alice: Principal  # a member of the project
    bob: Principal  # the project's admin
    carol: Principal  # not a member

    async def plugin_key(self, who: Principal, scope: str = "user", **fields: object) -> tuple[str, str]:
        """A new Plugin integration of `who`: (its id, the generated key)."""
        body = IntegrationIn(
            project_name=str(fields.pop("project", self.project)),
            alias=f"plugin-{uuid.uuid4().hex[:6]}",
            credential_type="Plugin",
            **fields,  # type: ignore[arg-type]
        )
        integration, key = await service.create(self.session, who, scope, body)  # type: ignore[arg-type]
        assert key is not None
        return integration.id, key


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
    project = f"plugins-{suffix}"
    db_session.add_all(
        [*users, Project(name=project), *(Project(name=u.email, project_type="personal") for u in users)]
    )
    await db_session.flush()
    for user, admin in ((users[0], False), (users[1], True)):
        db_session.add(ProjectMember(project_name=project, user_id=user.id, is_project_admin=admin))
    await db_session.flush()
    return World(
        db_session,
        project,
        alice=_principal(users[0], {project: False, users[0].email: True}),
        bob=_principal(users[1], {project: True}),
        carol=_principal(users[2], {users[2].email: True}),
    )


async def test_the_caller_uses_their_own_key_never_the_one_the_assistant_pins(world: World) -> None:
    bobs_id, bobs_key = await world.plugin_key(world.bob)
    _, alices_key = await world.plugin_key(world.alice)

    assert await caller_plugin_key(world.session, world.bob, world.project, bobs_id) == bobs_key
    # Alice chats with Bob's assistant, which names Bob's plugin: she gets hers.
    assert await caller_plugin_key(world.session, world.alice, world.project, bobs_id) == alices_key


async def test_without_a_key_of_their_own_the_caller_gets_none_of_anyone_elses(world: World) -> None:
    bobs_id, _ = await world.plugin_key(world.bob)
    assert await caller_plugin_key(world.session, world.alice, world.project, bobs_id) is None
    assert await caller_plugin_key(world.session, world.carol, world.project, bobs_id) is None


async def test_a_project_plugin_serves_the_projects_members(world: World) -> None:
    _, team_key = await world.plugin_key(world.bob, scope="project")
    assert await caller_plugin_key(world.session, world.alice, world.project) == team_key
    assert await caller_plugin_key(world.session, world.carol, world.project) is None


async def test_a_global_key_serves_the_caller_outside_the_assistants_project(world: World) -> None:
    _, carols_key = await world.plugin_key(world.carol, project=world.carol.email, is_global=True)
    # Carol is no member of the assistant's project (a marketplace assistant): her own plugin still serves her.
    assert await caller_plugin_key(world.session, world.carol, world.project) == carols_key


def test_the_toolkit_enables_every_tool_or_the_named_ones() -> None:
    def assistant(*toolkits: dict[str, object]) -> Assistant:
        return Assistant(toolkits=list(toolkits))

    utilities = {"toolkit": "Utilities", "tools": [{"name": "calculator"}]}
    everything = assistant(utilities, {"toolkit": "Plugin", "tools": [{"name": "Plugin"}]})
    some = assistant(
        {"toolkit": "plugin", "tools": [{"name": "_read_file_from_file_system"}], "settings": {"id": "i1"}}
    )

    assert plugin_toolkits(assistant(utilities)) == []
    assert wanted_tools(plugin_toolkits(everything)) is None
    assert wanted_tools(plugin_toolkits(assistant({"toolkit": "Plugin", "tools": []}))) is None
    assert wanted_tools(plugin_toolkits(some)) == {"_read_file_from_file_system"}
    assert pinned_integration(plugin_toolkits(some)) == "i1"
    assert pinned_integration(plugin_toolkits(everything)) is None
