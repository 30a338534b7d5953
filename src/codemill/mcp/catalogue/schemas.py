"""/v1/mcp-configs bodies, as the CodeMie SDK's MCPConfigs service sends and reads them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class MCPServerConfigData(BaseModel):
    """How to start or reach the server (CodeMie's MCPServerConfig): a command or a URL."""

    model_config = ConfigDict(extra="ignore")

    command: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=2000)
    args: list[str] = Field(default_factory=list, max_length=200)
    headers: dict[str, str] = Field(default_factory=dict)
    env: dict[str, Any] = Field(default_factory=dict)
    type: str | None = Field(default=None, max_length=50)
    auth_token: str | None = Field(default=None, max_length=4000)
    single_usage: bool = False
    tools: list[str] | None = None
    audience: str | None = None
    auth_config: dict[str, Any] | None = None
    allow_issuer_prefix_match: bool = False

    @model_validator(mode="after")
    def _command_or_url(self) -> MCPServerConfigData:
        has_command, has_url = bool((self.command or "").strip()), bool((self.url or "").strip())
        if has_command == has_url:
            raise ValueError("config: exactly one of 'command' or 'url' must be given")
        if has_url and not str(self.url).startswith(("http://", "https://")):
            raise ValueError("config.url: must be an http(s) URL")
        return self


class MCPVariableDefinition(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    required: bool = True


class MCPConfigCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=10_000)
    server_home_url: str | None = Field(default=None, max_length=2000)
    source_url: str | None = Field(default=None, max_length=2000)
    logo_url: str | None = Field(default=None, max_length=2000)
    categories: list[str] = Field(default_factory=list, max_length=20)
    config: MCPServerConfigData
    required_env_vars: list[MCPVariableDefinition] = Field(default_factory=list, max_length=100)
    is_public: bool = False


class MCPConfigClone(BaseModel):
    """A clone's form: is_public and is_system come from the source."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=10_000)
    server_home_url: str | None = Field(default=None, max_length=2000)
    source_url: str | None = Field(default=None, max_length=2000)
    logo_url: str | None = Field(default=None, max_length=2000)
    categories: list[str] = Field(default_factory=list, max_length=20)
    config: MCPServerConfigData
    required_env_vars: list[MCPVariableDefinition] = Field(default_factory=list, max_length=100)


class MCPConfigUpdate(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=10_000)
    server_home_url: str | None = Field(default=None, max_length=2000)
    source_url: str | None = Field(default=None, max_length=2000)
    logo_url: str | None = Field(default=None, max_length=2000)
    categories: list[str] | None = Field(default=None, max_length=20)
    config: MCPServerConfigData | None = None
    required_env_vars: list[MCPVariableDefinition] | None = Field(default=None, max_length=100)
    is_public: bool | None = None
    is_active: bool | None = None


class MCPConfigOut(BaseModel):
    id: str
    name: str
    description: str | None = None
    server_home_url: str | None = None
    source_url: str | None = None
    logo_url: str | None = None
    categories: list[str] = Field(default_factory=list)
    config: dict[str, Any] | None = None
    required_env_vars: list[MCPVariableDefinition] = Field(default_factory=list)
    user_id: str | None = None
    is_public: bool = False
    is_system: bool = False
    usage_count: int = 0
    is_active: bool = True
    date: datetime | None = None
    update_date: datetime | None = None


class MCPConfigList(BaseModel):
    """The SDK's MCPConfigListResponse: a page of entries and the total."""

    configs: list[MCPConfigOut]
    total: int
    page: int
    per_page: int


class MCPConfigDeleted(BaseModel):
    message: str
