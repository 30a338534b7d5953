"""/v1/healthcheck, /v1/info and /v1/config responses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from codemill.kit.json_types import JsonObject


class HealthOut(BaseModel):
    """Liveness and readiness (503 with the same shape when the database does not answer)."""

    status: str
    database: str
    version: str
    memory_usage_mb: float | None = Field(default=None, description="Admins only")
    cpu_percent: float | None = Field(default=None, description="Admins only")
    worker_pid: int | None = Field(default=None, description="Admins only")


class InfoOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    message: str
    version: str
    description: str
    file_datasource_max_upload_count: int = Field(alias="fileDatasourceMaxUploadCount")


class ConfigComponentOut(BaseModel):
    """One client-configuration component; its settings are free-form per component (auth, models, plugins)."""

    id: str
    settings: JsonObject


HEALTH: dict[int | str, dict[str, Any]] = {
    200: {"model": HealthOut, "description": "Healthy"},
    503: {"model": HealthOut, "description": "The database does not answer"},
}
