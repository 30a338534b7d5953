"""API models of /v1/analytics (the SDK's analytics models), budgets, cost centers and activity events."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ResponseMetadata(BaseModel):
    timestamp: str
    data_as_of: str
    filters_applied: dict[str, Any]
    execution_time_ms: float


class PaginationMetadata(BaseModel):
    page: int
    per_page: int
    total_count: int
    has_more: bool


class ColumnDefinition(BaseModel):
    id: str
    label: str
    type: str
    format: str | None = None
    description: str | None = None


class Metric(BaseModel):
    id: str
    label: str
    type: str = "number"
    value: Any
    format: str | None = None
    description: str | None = None


class SummariesData(BaseModel):
    metrics: list[Metric]


class TabularData(BaseModel):
    columns: list[ColumnDefinition]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None


class SummariesOut(BaseModel):
    """GET /v1/analytics/summaries."""

    data: SummariesData
    metadata: ResponseMetadata


class TabularOut(BaseModel):
    """Every tabular /v1/analytics endpoint."""

    data: TabularData
    metadata: ResponseMetadata
    pagination: PaginationMetadata | None = None


class TimelinePoint(BaseModel):
    """One bucket of usage (Codemill's own report, beside CodeMie's)."""

    bucket: datetime
    total_cost_usd: float
    input_tokens: int
    output_tokens: int
    total_requests: int
    error_count: int


class TimelineData(BaseModel):
    grain: str = Field(description="'hour' or 'day'")
    points: list[TimelinePoint]


class TimelineOut(BaseModel):
    data: TimelineData
    metadata: ResponseMetadata


class UserListItem(BaseModel):
    id: str
    name: str


class UsersListData(BaseModel):
    users: list[UserListItem]
    total_count: int


class UsersListOut(BaseModel):
    """GET /v1/analytics/users."""

    data: UsersListData
    metadata: ResponseMetadata


class BudgetScope(enum.StrEnum):
    """What a budget limits."""

    USER = "user"
    PROJECT = "project"
    COST_CENTER = "cost_center"


class BudgetDuration(enum.StrEnum):
    """How often a budget's spending starts again from zero (at the start of the UTC day, week or month)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class BudgetCreate(BaseModel):
    scope: BudgetScope
    subject: str = Field(min_length=1, max_length=200, description="A user id, a project name or a cost center id")
    soft_budget: float | None = Field(default=None, ge=0, description="USD; past it chats warn")
    max_budget: float | None = Field(default=None, ge=0, description="USD; past it chats are refused")
    budget_duration: BudgetDuration = BudgetDuration.MONTHLY


class BudgetUpdate(BaseModel):
    soft_budget: float | None = Field(default=None, ge=0)
    max_budget: float | None = Field(default=None, ge=0)
    budget_duration: BudgetDuration | None = None


class BudgetOut(BaseModel):
    id: str
    scope: BudgetScope
    subject: str
    soft_budget: float | None
    max_budget: float | None
    budget_duration: BudgetDuration
    current_spending: float
    period_start: datetime
    budget_reset_at: datetime
    created_by: str
    created_at: datetime
    updated_at: datetime


class CostCenterCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class CostCenterOut(BaseModel):
    id: str
    name: str
    description: str | None = None
    created_by: str
    created_at: datetime
    project_count: int = 0


class CostCenterPagination(BaseModel):
    total: int
    page: int
    per_page: int


class CostCenterListOut(BaseModel):
    data: list[CostCenterOut]
    pagination: CostCenterPagination


class CostCenterProjectsUpdate(BaseModel):
    projects: list[str] = Field(max_length=1000)


class CostCenterAssignedBudgetSummary(BaseModel):
    budget_category: str
    budget_duration: str | None = None
    soft_budget: float
    max_budget: float
    member_count: int
    allocated_member_budget_total: float
    current_spending: float
    excluded_count: int = 0
    unsynced_count: int = 0


class CostCenterBudgetSummary(BaseModel):
    current_spending: float
    budget_limit: float | None = None
    total_percent: float
    budgets: list[CostCenterAssignedBudgetSummary] = []


class ActivityEventOut(BaseModel):
    id: str
    domain: str
    event_type: str
    entity_type: str | None = None
    entity_id: str | None = None
    actor_id: str | None = None
    actor_email: str | None = None
    actor_name: str | None = None
    attributes: dict[str, Any] | None = None
    created_at: datetime


class ActivityEventPagination(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int


class ActivityEventListOut(BaseModel):
    data: list[ActivityEventOut]
    pagination: ActivityEventPagination


class ActivityEventFilterOptions(BaseModel):
    domains: list[str]
    event_types: list[str]
    entity_types: list[str]
