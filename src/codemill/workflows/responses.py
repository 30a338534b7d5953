"""Rows to API shapes, and the Mermaid diagram of a workflow's states."""

from __future__ import annotations

import re
from typing import Any

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.models import User, Workflow, WorkflowExecution, WorkflowExecutionState, WorkflowTransition
from codemill.models import WorkflowYamlVersion as YamlVersion
from codemill.workflows.config import END, WorkflowConfig
from codemill.workflows.schemas import (
    ExecutionOut,
    ExecutionStateOut,
    ExecutionStatus,
    StateThoughtOut,
    ThoughtOut,
    TokensUsageOut,
    TransitionOut,
    UserOut,
    WorkflowContextOut,
    WorkflowMode,
    WorkflowOut,
    YamlVersionOut,
)

_NODE_ID = re.compile(r"[^A-Za-z0-9_]")


def user_out(user: User | None, user_id: str | None = None) -> UserOut | None:
    """The SDK's User for a row's creator."""
    if user is None:
        return UserOut(user_id=user_id) if user_id else None
    return UserOut(user_id=user.id, username=user.username, name=user.name or user.username)


def workflow_out(
    workflow: Workflow, principal: Principal, users: dict[str, User], history: list[YamlVersion] | None = None
) -> WorkflowOut:
    """A workflow as the SDK reads it."""
    creator = users.get(workflow.created_by or "")
    return WorkflowOut(
        id=workflow.id,
        project=workflow.project,
        name=workflow.name,
        description=workflow.description,
        yaml_config=workflow.yaml_config,
        mode=WorkflowMode(workflow.mode),
        shared=workflow.shared,
        icon_url=workflow.icon_url,
        categories=list(workflow.categories or []),
        date=workflow.created_at,
        update_date=workflow.updated_at,
        created_by=user_out(creator, workflow.created_by),
        display_name=workflow.name,
        user_abilities=policy.workflow_abilities(principal, workflow),
        yaml_config_history=[
            YamlVersionOut(
                yaml_config=v.yaml_config, date=v.created_at, created_by=user_out(users.get(v.created_by or ""))
            )
            for v in history or []
        ],
    )


def execution_out(execution: WorkflowExecution, users: dict[str, User]) -> ExecutionOut:
    """An execution as the SDK reads it."""
    checkpoint = execution.checkpoint or {}
    return ExecutionOut(
        id=execution.id,
        execution_id=execution.id,
        workflow_id=execution.workflow_id,
        overall_status=ExecutionStatus(execution.status),
        date=execution.created_at,
        update_date=execution.updated_at,
        prompt=execution.prompt,
        created_by=user_out(users.get(execution.user_id), execution.user_id) or UserOut(user_id=execution.user_id),
        conversation_id=execution.conversation_id,
        tokens_usage=TokensUsageOut(
            input_tokens=execution.input_tokens,
            output_tokens=execution.output_tokens,
            money_spent=execution.money_spent,
        ),
        error=execution.error,
        output=checkpoint.get("final_output"),
        context_store=checkpoint.get("context_store") or {},
        waiting_states=[t["state"] for t in checkpoint.get("wave") or []]
        if execution.status == ExecutionStatus.INTERRUPTED
        else [],
    )


def state_out(state: WorkflowExecutionState) -> ExecutionStateOut:
    """An execution state with its thoughts' headers."""
    return ExecutionStateOut(
        id=state.id,
        execution_id=state.execution_id,
        name=state.name,
        task=state.task,
        status=ExecutionStatus(state.status),
        started_at=state.started_at,
        completed_at=state.completed_at,
        thoughts=[
            StateThoughtOut(
                id=t["id"],
                execution_state_id=state.id,
                parent_id=t.get("parent_id"),
                author_name=t["author_name"],
                author_type=t["author_type"],
                date=t["date"],
            )
            for t in state.thoughts or []
        ],
        attempts=state.attempts,
    )


def thought_out(state: WorkflowExecutionState, thought: dict[str, Any]) -> ThoughtOut:
    """A full thought (input, content and its tool calls as children)."""
    return ThoughtOut(
        id=thought["id"],
        execution_state_id=state.id,
        parent_id=thought.get("parent_id"),
        author_name=thought["author_name"],
        author_type=thought["author_type"],
        input_text=thought.get("input_text") or "",
        content=thought.get("content") or "",
        date=thought["date"],
        children=[
            ThoughtOut(
                id=c["id"],
                execution_state_id=state.id,
                parent_id=thought["id"],
                author_name=c.get("author_name") or "Tool",
                author_type=c.get("author_type") or "Tool",
                input_text=c.get("input_text") or "",
                content=c.get("message") or "",
                date=c.get("metadata", {}).get("started_at") or thought["date"],
            )
            for c in thought.get("children") or []
        ],
    )


def transition_out(transition: WorkflowTransition) -> TransitionOut:
    """A transition with its context snapshot."""
    return TransitionOut(
        id=transition.id,
        execution_id=transition.execution_id,
        from_state_id=transition.from_state_id,
        to_state_id=transition.to_state_id,
        workflow_context=WorkflowContextOut.model_validate(transition.workflow_context or {}),
        date=transition.created_at,
    )


def mermaid(config: WorkflowConfig) -> str:
    """A Mermaid flowchart of the states and where each leads."""

    def node(state_id: str) -> str:
        return "end_" if state_id == END else "s_" + _NODE_ID.sub("_", state_id)

    lines = ["flowchart TD", f"  start_((start)) --> {node(config.entry)}"]
    for state in config.states.values():
        lines.append(f'  {node(state.id)}["{state.id}"]')
        nxt = state.next
        if nxt.condition:
            _, then, otherwise = nxt.condition
            lines.append(f"  {node(state.id)} -->|yes| {node(then)}")
            lines.append(f"  {node(state.id)} -->|no| {node(otherwise)}")
        if nxt.switch:
            for case in nxt.switch[0]:
                lines.append(f"  {node(state.id)} -->|case| {node(case.state_id)}")
            lines.append(f"  {node(state.id)} -->|default| {node(nxt.switch[1])}")
        for target in ([nxt.state_id] if nxt.state_id else []) + nxt.state_ids:
            label = "|each|" if nxt.iter_key else ""
            lines.append(f"  {node(state.id)} -->{label} {node(target)}")
    lines.append("  end_((end))")
    return "\n".join(lines)
