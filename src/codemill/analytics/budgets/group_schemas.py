"""API models of project budget groups (the SDK's project_budget_groups service), in CodeMie's field names."""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel, Field

DURATION_PATTERN = r"^\d+[smhd]$"


class BudgetCategory(enum.StrEnum):
    """What a category's spending counts (see docs/analytics.md)."""

    PLATFORM = "platform"
    CLI = "cli"
    PREMIUM_MODELS = "premium_models"


class CategorySpec(BaseModel):
    # No bounds here: CodeMie answers a negative or too large share with 400 from its own check, not 422.
    pct: float = Field(description="Percentage of total_amount allocated to this category (0 removes it)")
    soft_budget: float | None = Field(default=None, ge=0, description="USD; defaults to 80% of the category max")


class GroupCreate(BaseModel):
    project_name: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=100)
    total_amount: float = Field(gt=0, description="USD distributed across the categories")
    budget_duration: str = Field(pattern=DURATION_PATTERN, description="e.g. '30d', '8h'")
    description: str | None = Field(default=None, max_length=500)
    categories: dict[str, CategorySpec]
    notification_owner_email: str | None = Field(default=None, max_length=320)
    soft_limit_notify_once: bool = False


class GroupUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    total_amount: float | None = Field(default=None, gt=0)
    budget_duration: str | None = Field(default=None, pattern=DURATION_PATTERN)
    description: str | None = Field(default=None, max_length=500)
    categories: dict[str, CategorySpec] | None = None
    notification_owner_email: str | None = Field(default=None, max_length=320)
    soft_limit_notify_once: bool | None = None


class CategoryOut(BaseModel):
    budget_id: str
    category: str
    max_budget: float
    soft_budget: float
    budget_duration: str
    member_count: int
    allocated_member_budget_total: float
    provider_sync_status: str | None = None
    budget_reset_at: str | None
    created_at: datetime | None
    current_spending: float = Field(description="Codemill's addition: USD spent in the current period")


class GroupOut(BaseModel):
    group_id: str
    project_name: str
    name: str = ""
    budget_duration: str
    total_amount: float
    description: str | None = None
    created_by: str
    created_at: datetime | None
    updated_at: datetime | None
    deleted_at: datetime | None
    categories: list[CategoryOut]
    notification_owner_email: str | None = None
    soft_limit_notify_once: bool = False


class GroupListOut(BaseModel):
    items: list[GroupOut]
    total: int
