"""API models for projects (snake_case, as CodeMie returns them)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from codemill.kit.api_schemas import MessageOut
from codemill.kit.api_schemas import Pagination as Pagination


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    display_name: str | None = Field(default=None, max_length=150)
    description: str | None = Field(default=None, max_length=2000)
    cost_center_id: str | None = None
    cli_analytics_enabled: bool | None = None


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    display_name: str | None = Field(default=None, max_length=150)
    description: str | None = Field(default=None, max_length=2000)
    clear_description: bool = False

    @model_validator(mode="after")
    def _something(self) -> ProjectUpdate:
        if not (self.model_fields_set - {"clear_description"}) and not self.clear_description:
            raise ValueError("at least one field must be given")
        return self


class Counters(BaseModel):
    assistants_count: int = 0
    workflows_count: int = 0
    integrations_count: int = 0
    datasources_count: int = 0
    skills_count: int = 0


class ProjectOut(BaseModel):
    """Create/update response."""

    name: str
    display_name: str | None
    description: str | None
    project_type: str
    created_by: str | None
    created_at: datetime
    cost_center_id: str | None = None
    cost_center_name: str | None = None
    enforce_member_spend_limits: bool = False
    chargeback_attribution: str = "project"


class ProjectListItem(BaseModel):
    name: str
    display_name: str | None
    description: str | None
    project_type: str
    created_by: str | None
    user_count: int
    admin_count: int
    created_at: datetime
    counters: Counters | None = None
    cost_center_id: str | None = None
    cost_center_name: str | None = None
    budgets: list[dict[str, object]] = Field(default_factory=list)


class ProjectListOut(BaseModel):
    data: list[ProjectListItem]
    pagination: Pagination


class MemberOut(BaseModel):
    user_id: str
    is_project_admin: bool
    date: datetime | None
    # Codemill extensions so that clients can show who a member is without listing every user.
    name: str | None = None
    email: str | None = None


class ProjectDetailOut(BaseModel):
    name: str
    display_name: str | None
    description: str | None
    project_type: str
    created_by: str | None
    user_count: int
    admin_count: int
    created_at: datetime
    members: list[MemberOut]
    chargeback_attribution: str = "project"


class Assignment(Strict):
    user_id: str = Field(min_length=1, max_length=64)
    is_project_admin: bool = False


class AssignmentUpdate(Strict):
    is_project_admin: bool


class AssignmentOut(BaseModel):
    message: str
    user_id: str
    project_name: str
    is_project_admin: bool | None = None


class BulkAssignment(Strict):
    users: list[Assignment] = Field(min_length=1, max_length=1000)


class BulkResult(BaseModel):
    user_id: str
    action: str
    is_project_admin: bool | None = None


class BulkOut(BaseModel):
    message: str
    project_name: str
    total: int
    results: list[BulkResult]


class CsvRow(BaseModel):
    email: str
    role: str
    error: str | None = None


class CsvValidationOut(BaseModel):
    users: list[CsvRow]


class OwnershipIn(Strict):
    user_id: str = Field(min_length=1, max_length=64)


class ProjectAckOut(MessageOut):
    name: str


class OwnershipOut(ProjectAckOut):
    created_by: str


class ApplicationOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    name: str
    display_name: str | None = Field(alias="displayName")


class ApplicationsOut(BaseModel):
    applications: list[ApplicationOut]
