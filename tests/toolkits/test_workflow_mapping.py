"""A toolkit tool's credentials inside a workflow run: the caller's mapping for that workflow overrides their
assistant mapping (the run's ToolContext carries the workflow), outside it only the assistant's counts.
Against the real database, through the tools' own credential lookup (toolkits.base.integration)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from codemill.auth.principal import Principal
from codemill.integrations import service
from codemill.integrations.schemas import CredentialValue, IntegrationIn
from codemill.integrations.sealing import CIPHER_INFO_KEY
from codemill.kit.crypto import Keyring, LocalKeyProvider, SecretCipher
from codemill.models import Assistant, AssistantUserMapping, Project, ProjectMember, User
from codemill.toolkits.base import Binding, integration, workflow_of
from codemill.tools.base import ToolContext
from codemill.workflows.nodes import RunView, _tool_context
from tests.conftest import MASTER_KEY


async def test_a_workflow_runs_tools_with_the_workflows_mapping(engine: AsyncEngine) -> None:
    keyring = Keyring.from_secrets(MASTER_KEY)
    cipher = SecretCipher(LocalKeyProvider(lambda: keyring))
    sessions = async_sessionmaker(engine, expire_on_commit=False, info={CIPHER_INFO_KEY: cipher})
    suffix = uuid.uuid4().hex[:8]
    project = f"wf-mapping-{suffix}"
    async with sessions() as session:
        user = User(email=f"wf-{suffix}@example.com", username=f"wf-{suffix}", name="Wendy")
        session.add_all([user, Project(name=project)])
        await session.flush()
        session.add(ProjectMember(project_name=project, user_id=user.id, is_project_admin=True))
        caller = Principal(user.id, user.email, user.username, user.name, False, "local", projects={project: True})
        ids = {}
        for token in ("everywhere", "in-workflow"):
            body = IntegrationIn(
                project_name=project,
                alias=f"jira-{token}",
                credential_type="Jira",
                credential_values=[
                    CredentialValue(key="url", value="https://jira.example.com"),
                    CredentialValue(key="token", value=token),
                ],
            )
            ids[token] = (await service.create(session, caller, "user", body))[0].id
        assistant = Assistant(name="helper", project=project, created_by=user.id, toolkits=[])
        session.add(assistant)
        await session.flush()
        for scope, token in (("", "everywhere"), ("wf-7", "in-workflow")):
            session.add(
                AssistantUserMapping(
                    assistant_id=assistant.id,
                    user_id=user.id,
                    workflow_id=scope,
                    tools_config=[{"name": "Jira", "integration_id": ids[token]}],
                )
            )
        await session.commit()

    async with httpx.AsyncClient() as http:

        async def token_used(extra: dict[str, str]) -> object:
            ctx = ToolContext(caller, project, assistant.id, None, sessions, http, extra=extra)
            found = await integration(ctx, Binding(assistant), "Jira")
            assert found.source == "mapped"
            return found.values["token"]

        assert await token_used({}) == "everywhere"
        assert await token_used({"workflow_execution_id": "x", "workflow_id": "wf-7"}) == "in-workflow"
        assert await token_used({"workflow_id": "wf-other"}) == "everywhere"


def test_a_workflow_states_tools_know_their_workflow() -> None:
    resources = SimpleNamespace(sessions=None, http=None)
    caller = Principal("u1", "u@example.com", "u", "U", False, "local")
    view = RunView(resources, caller, "p", "exec-1", None, {}, [], {}, "wf-7")  # type: ignore[arg-type]
    ctx = _tool_context(view, "a1")
    assert ctx.extra == {"workflow_execution_id": "exec-1", "workflow_id": "wf-7"}
    assert workflow_of(ctx) == "wf-7"
