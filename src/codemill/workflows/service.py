"""Workflows: create, read, change, delete, list; the YAML is validated (with its lines) on every write."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import repository as assistants
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.models import User, Workflow
from codemill.workflows import repository
from codemill.workflows.config import Problem, WorkflowConfig
from codemill.workflows.repository import WorkflowFilters
from codemill.workflows.responses import workflow_out
from codemill.workflows.schemas import WorkflowCreate, WorkflowOut, WorkflowUpdate
from codemill.workflows.validation import Parsed, parse, resources_missing, unknown_tools


async def check(session: AsyncSession, principal: Principal, yaml_config: str) -> Parsed:
    """Parse the YAML and check that the assistants and tools it names exist and are the caller's to use."""
    parsed = parse(yaml_config)
    problems = await missing_assistants(session, principal, parsed.config) + unknown_tools(parsed.config, set())
    if problems:
        raise resources_missing(problems)
    return parsed


async def missing_assistants(session: AsyncSession, principal: Principal, config: WorkflowConfig) -> list[Problem]:
    """`assistant_id` references to assistants that do not exist or that the caller may not see."""
    wanted = {a.assistant_id: a for a in config.assistants.values() if a.assistant_id}
    found = {a.id: a for a in await assistants.get_many(session, list(wanted))}
    problems = []
    for assistant_id, node in wanted.items():
        existing = found.get(assistant_id)
        if existing is None or not policy.can_view_assistant(principal, existing):
            problems.append(
                Problem(
                    f"'assistants' '{node.id}'",
                    f"Assistant '{assistant_id}' (referenced as '{node.id}') does not exist",
                    node.line,
                    "assistant",
                    assistant_id,
                )
            )
    return problems


async def get_visible(session: AsyncSession, principal: Principal, workflow_id: str) -> Workflow:
    """A workflow the caller may see (404 otherwise)."""
    return policy.ensure_workflow_visible(principal, await repository.get(session, workflow_id))


async def create(session: AsyncSession, principal: Principal, body: WorkflowCreate) -> Workflow:
    """A new workflow in a project the caller belongs to."""
    policy.ensure_project_visible(principal, body.project)
    await check(session, principal, body.yaml_config)
    workflow = Workflow(
        name=body.name.strip(),
        description=body.description or "",
        project=body.project,
        created_by=principal.user_id,
        mode=body.mode.value,
        shared=body.shared,
        icon_url=body.icon_url,
        categories=list(body.categories),
        yaml_config=body.yaml_config,
    )
    session.add(workflow)
    await session.flush()
    repository.add_yaml_version(session, workflow, principal.user_id)
    await session.flush()
    return workflow


async def update(session: AsyncSession, principal: Principal, workflow_id: str, body: WorkflowUpdate) -> Workflow:
    """Change the fields sent; a changed YAML is validated and kept in the history."""
    workflow = policy.ensure_workflow_editable(principal, await repository.get_for_update(session, workflow_id))
    if body.project is not None and body.project != workflow.project:
        policy.ensure_project_visible(principal, body.project)
        workflow.project = body.project
    if body.yaml_config is not None and body.yaml_config != workflow.yaml_config:
        await check(session, principal, body.yaml_config)
        workflow.yaml_config = body.yaml_config
        repository.add_yaml_version(session, workflow, principal.user_id)
    for name in ("name", "description", "shared", "icon_url", "categories"):
        value = getattr(body, name)
        if value is not None:
            setattr(workflow, name, value.strip() if name == "name" else value)
    if body.mode is not None:
        workflow.mode = body.mode.value
    await session.flush()
    return workflow


async def delete(session: AsyncSession, principal: Principal, workflow_id: str) -> None:
    """Delete a workflow with its history and executions."""
    workflow = policy.ensure_workflow_editable(principal, await repository.get_for_update(session, workflow_id))
    await session.delete(workflow)
    await session.flush()


async def list_workflows(
    session: AsyncSession, principal: Principal, filters: WorkflowFilters, mine: bool, page: int, per_page: int
) -> tuple[list[Workflow], int]:
    """Visible workflows (only the caller's own when `mine`)."""
    scope = policy.visible_workflows_clause(principal)
    if mine:
        filters = WorkflowFilters(filters.projects, filters.search, principal.user_id, filters.shared)
    return await repository.list_page(session, scope, filters, page, per_page)


async def recent(session: AsyncSession, principal: Principal, limit: int) -> list[Workflow]:
    """Visible workflows the caller ran lately."""
    return await repository.recent(session, policy.visible_workflows_clause(principal), principal.user_id, limit)


async def creators(session: AsyncSession, principal: Principal) -> list[User]:
    """Who created the workflows the caller sees (for a list's creator filter)."""
    return await repository.creators(session, policy.visible_workflows_clause(principal))


async def views(session: AsyncSession, principal: Principal, workflows: Sequence[Workflow]) -> list[WorkflowOut]:
    """The workflows as clients see them (their creators looked up in one query)."""
    users = await repository.users_by_id(session, [w.created_by for w in workflows])
    return [workflow_out(w, principal, users) for w in workflows]


async def view(session: AsyncSession, principal: Principal, workflow: Workflow, history: bool = False) -> WorkflowOut:
    """One workflow as clients see it, with its YAML history when asked."""
    if not history:
        return (await views(session, principal, [workflow]))[0]
    versions = await repository.yaml_history(session, workflow.id)
    users = await repository.users_by_id(session, [workflow.created_by, *(v.created_by for v in versions)])
    return workflow_out(workflow, principal, users, versions)
