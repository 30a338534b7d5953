"""API models of POST /v1/index/health (CodeMie's datasource health check), with its field names."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class HealthCheckIn(BaseModel):
    """What to probe: the datasource type and the fields its form would send."""

    model_config = ConfigDict(extra="ignore")

    index_type: str = Field(min_length=1, max_length=100)
    project_name: str = Field(default="", max_length=255)
    setting_id: str | None = Field(default=None, max_length=64)
    git_url: str | None = Field(default=None, max_length=2000)
    jql: str | None = Field(default=None, max_length=4000)
    cql: str | None = Field(default=None, max_length=4000)


class HealthErrorOut(BaseModel):
    """Why the source cannot be read; `field_error` names the form field to fix, when one is to blame."""

    message: str
    details: str | None = None
    help: str | None = None
    field_error: str | None = None


class HealthCheckOut(BaseModel):
    """The probe's answer: how many documents the source offers (0 for a repository), or the error.
    `implemented` is false for datasource types Codemill does not probe."""

    documents_count: int | None = None
    error: HealthErrorOut | None = None
    implemented: bool = True
