"""API models for workflows and their executions, in the CodeMie SDK's shapes and field names."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from codemill.projects.schemas import Pagination


class WorkflowMode(StrEnum):
    SEQUENTIAL = "Sequential"
    AUTONOMOUS = "Autonomous"


class ExecutionStatus(StrEnum):
    """CodeMie's execution (and execution-state) statuses."""

    IN_PROGRESS = "In Progress"
    NOT_STARTED = "Not Started"
    INTERRUPTED = "Interrupted"
    FAILED = "Failed"
    SUCCEEDED = "Succeeded"
    ABORTED = "Aborted"


RUNNING = (ExecutionStatus.NOT_STARTED, ExecutionStatus.IN_PROGRESS)
FINISHED = (ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.ABORTED)


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore")


class WorkflowCreate(_Request):
    project: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=20_000)
    yaml_config: str = Field(min_length=1)
    mode: WorkflowMode = WorkflowMode.SEQUENTIAL
    shared: bool = False
    icon_url: str | None = Field(default=None, max_length=2_000)
    categories: list[str] = Field(default_factory=list, max_length=3)


class WorkflowUpdate(_Request):
    project: str | None = Field(default=None, min_length=1, max_length=200)
    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=20_000)
    yaml_config: str | None = Field(default=None, min_length=1)
    mode: WorkflowMode | None = None
    shared: bool | None = None
    icon_url: str | None = Field(default=None, max_length=2_000)
    categories: list[str] | None = Field(default=None, max_length=3)


class WorkflowValidate(_Request):
    yaml_config: str


class UserOut(BaseModel):
    """The SDK's `User`."""

    user_id: str | None = None
    username: str | None = None
    name: str | None = None


class YamlVersionOut(BaseModel):
    yaml_config: str
    date: datetime
    created_by: UserOut | None = None


class WorkflowOut(BaseModel):
    """The SDK's `Workflow` (dates under CodeMie's names `date` and `update_date`)."""

    id: str
    project: str
    name: str
    description: str | None = None
    yaml_config: str | None = None
    mode: WorkflowMode = WorkflowMode.SEQUENTIAL
    shared: bool = False
    icon_url: str | None = None
    categories: list[str] = Field(default_factory=list)
    date: datetime | None = None
    update_date: datetime | None = None
    created_by: UserOut | None = None
    display_name: str | None = None
    required_variables: list[str] = Field(default_factory=list)
    user_abilities: list[str] = Field(default_factory=list)
    yaml_config_history: list[YamlVersionOut] = Field(default_factory=list)
    slug: str | None = None


class WorkflowListOut(BaseModel):
    data: list[WorkflowOut]
    pagination: Pagination


class ValidationErrorOut(BaseModel):
    message: str
    line: int | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    where: str | None = None


class ValidationOut(BaseModel):
    """POST /v1/workflows/validate: whether the YAML would be accepted, each problem with its line."""

    valid: bool
    message: str | None = None
    error_type: str | None = None
    errors: list[ValidationErrorOut] = Field(default_factory=list)
    states: list[str] = Field(default_factory=list)
    mermaid: str | None = None


class MessageOut(BaseModel):
    message: str


class ExecutionCreate(_Request):
    user_input: str | dict[str, Any] | list[Any] | int | float | bool | None = None
    file_name: str | None = None
    file_names: list[str] | None = None
    conversation_id: str | None = Field(default=None, max_length=64)
    session_id: str | None = None
    propagate_headers: bool = False
    tags: list[str] | None = None


class ResumeRequest(_Request):
    """Resume after `interrupt_before`; `user_input` replaces the paused state's task when given."""

    user_input: str | None = None


class StateOutputUpdate(_Request):
    output: str


class TokensUsageOut(BaseModel):
    input_tokens: int | None = None
    output_tokens: int | None = None
    money_spent: float | None = None


class ExecutionOut(BaseModel):
    """The SDK's `WorkflowExecution` (status as `overall_status`, dates as `date`/`update_date`)."""

    id: str
    execution_id: str
    workflow_id: str
    overall_status: ExecutionStatus
    date: datetime
    update_date: datetime | None = None
    prompt: str
    created_by: UserOut
    conversation_id: str | None = None
    tokens_usage: TokensUsageOut | None = None
    error: str | None = None
    output: str | None = None
    context_store: dict[str, Any] = Field(default_factory=dict)
    waiting_states: list[str] = Field(default_factory=list)


class ExecutionListOut(BaseModel):
    data: list[ExecutionOut]
    pagination: Pagination


class StateThoughtOut(BaseModel):
    id: str
    execution_state_id: str
    parent_id: str | None = None
    author_name: str
    author_type: str
    date: datetime


class ExecutionStateOut(BaseModel):
    """The SDK's `WorkflowExecutionState`."""

    id: str
    execution_id: str
    name: str
    task: str | None = ""
    status: ExecutionStatus
    started_at: datetime | None = None
    completed_at: datetime | None = None
    thoughts: list[StateThoughtOut] | None = None
    attempts: int = 0


class ExecutionStateListOut(BaseModel):
    data: list[ExecutionStateOut]
    pagination: Pagination


class StateOutputOut(BaseModel):
    output: str | None = None


class ThoughtOut(BaseModel):
    """The SDK's `WorkflowExecutionThought`."""

    id: str
    execution_state_id: str
    parent_id: str | None = None
    author_name: str
    author_type: str
    input_text: str
    content: str
    date: datetime
    children: list[ThoughtOut] = Field(default_factory=list)


class WorkflowContextOut(BaseModel):
    context_store: dict[str, Any] = Field(default_factory=dict)
    next: list[str] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)
    user_input: str | None = None
    final_summary: list[Any] = Field(default_factory=list)


class TransitionOut(BaseModel):
    """The SDK's `WorkflowTransition`."""

    id: str
    execution_id: str
    from_state_id: str | None = None
    to_state_id: str
    workflow_context: WorkflowContextOut
    date: datetime


class ExecutionExportOut(BaseModel):
    """An execution with its states, outputs and transitions (GET .../export)."""

    execution: ExecutionOut
    workflow_name: str
    yaml_config: str
    states: list[dict[str, Any]]
    transitions: list[TransitionOut]
