"""API models for /v1/settings (the CodeMie SDK's Integration, CredentialValues and test models)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from codemill.kit.api_schemas import Pagination as Pagination
from codemill.kit.json_types import JsonObject

SettingType = Literal["user", "project"]


class CredentialValue(BaseModel):
    """One key/value pair (CodeMie's CredentialValues)."""

    model_config = ConfigDict(extra="ignore")

    key: str = Field(min_length=1, max_length=200)
    value: Any = None


class IntegrationIn(BaseModel):
    """Create/update body: the SDK's Integration as `model_dump(exclude_none=True)` sends it."""

    model_config = ConfigDict(extra="forbid")

    # Sent back by clients that update what they listed; the path and the server decide these.
    id: str | None = None
    date: datetime | None = None
    update_date: datetime | None = None
    user_id: str | None = None
    created_by: JsonObject | None = None  # ignored

    project_name: str = Field(default="", max_length=200)
    alias: str | None = Field(default=None, max_length=200)
    default: bool = False
    is_global: bool | None = False
    credential_type: str = Field(min_length=1, max_length=64)
    credential_values: list[CredentialValue] = Field(default_factory=list, max_length=100)
    setting_type: SettingType | None = None


class CreatedBy(BaseModel):
    id: str
    username: str = ""
    name: str = ""


class IntegrationOut(BaseModel):
    """An integration as listed: secret values masked."""

    id: str
    date: datetime
    update_date: datetime
    user_id: str | None
    project_name: str
    alias: str
    default: bool
    is_global: bool
    credential_type: str
    credential_values: list[CredentialValue]
    setting_type: SettingType
    created_by: CreatedBy | None = None


class IntegrationList(BaseModel):
    data: list[IntegrationOut]
    pagination: Pagination


class SavedOut(BaseModel):
    """Create/update/delete answer; a generated plugin key appears here once, at creation."""

    message: str
    id: str | None = None
    plugin_key: str | None = None
    # Beside a new plugin key: the NATS URL its plugin connects to (PLUGIN_ENGINE_URI).
    plugin_engine_uri: str | None = None


class TestIn(BaseModel):
    """POST /v1/settings/test/: inline values, or a stored integration (optionally overridden)."""

    __test__ = False
    model_config = ConfigDict(extra="forbid")

    credential_type: str = Field(min_length=1, max_length=64)
    credential_values: list[CredentialValue] | None = Field(default=None, max_length=100)
    setting_id: str | None = Field(default=None, max_length=64)


class TestOut(BaseModel):
    __test__ = False

    success: bool
    message: str


class TransferMode(enum.StrEnum):
    """move: the same integrations change project (ids kept); copy: duplicates in the target project."""

    MOVE = "move"
    COPY = "copy"


class TypeOfIntegration(BaseModel):
    """Which scopes a transfer takes (a property left out is false)."""

    model_config = ConfigDict(extra="forbid")

    user_integrations: bool = False
    project_integrations: bool = False


class TransferIn(BaseModel):
    """POST /v1/settings/transfer (CodeMie's TransferSettingsRequest)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    source_project_name: str = Field(min_length=1, max_length=200)
    target_project_name: str = Field(min_length=1, max_length=200)
    mode: TransferMode
    type_of_integration: TypeOfIntegration = Field(
        default_factory=lambda: TypeOfIntegration(user_integrations=True, project_integrations=True)
    )
    integrations_list: list[str] | None = Field(default=None, alias="list", max_length=1000)


class TransferItem(BaseModel):
    id: str
    alias: str
    credential_type: str


class TransferOut(BaseModel):
    """What a transfer did: the integrations written in the target project, and those skipped."""

    message: str
    source_project_name: str
    target_project_name: str
    mode: TransferMode
    transferred_count: int
    transferred: list[TransferItem] = Field(default_factory=list)
    skipped_count: int = 0
    skipped: list[TransferItem] = Field(default_factory=list)
