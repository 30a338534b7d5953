"""API input models for assistants, in the CodeMie SDK's shapes (snake_case, as CodeMie accepts them);
the responses are in `views.py`.

Requests ignore fields they do not know, as CodeMie does: CodeMie's own clients send fields (agent_mode,
guardrail_assignments, bedrock…) that Codemill does not implement. Known fields are validated strictly.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from codemill.kit.params import INT32_MAX

VARIABLE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def without_nul(value: Any) -> Any:
    """The value with NUL characters removed from every string (PostgreSQL text cannot hold them)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


class Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _strip_nul(cls, data: Any) -> Any:
        return without_nul(data)


class ContextType(StrEnum):
    KNOWLEDGE_BASE = "knowledge_base"
    CODE = "code"
    PROVIDER = "provider"


class Context(Lenient):
    """A datasource the assistant answers from."""

    context_type: ContextType
    name: str = Field(min_length=1, max_length=200)


class CredentialValue(Lenient):
    key: str
    value: Any = None


class IntegrationRef(Lenient):
    """An integration a toolkit or tool uses (the SDK's `Integration`); only the reference is stored."""

    id: str | None = Field(default=None, max_length=64)
    alias: str | None = Field(default=None, max_length=200)
    project_name: str = Field(default="", max_length=200)
    credential_type: str = Field(min_length=1, max_length=100)
    credential_values: list[CredentialValue] = Field(default_factory=list)
    default: bool = False
    is_global: bool | None = False
    user_id: str | None = None

    @model_validator(mode="after")
    def _no_inline_secrets(self) -> IntegrationRef:
        inline = [v for v in self.credential_values if v.value not in (None, "", "********")]
        if inline and self.id is None:
            raise ValueError(
                "inline credentials are not stored on assistants: create an integration and reference it by id"
            )
        return self

    def stored(self) -> dict[str, Any]:
        """The reference as kept on the assistant (never credential values)."""
        return self.model_dump(mode="json", exclude={"credential_values"}) | {"credential_values": []}


class ToolDetails(Lenient):
    name: str = Field(min_length=1, max_length=200)
    label: str | None = Field(default=None, max_length=200)
    settings_config: bool = False
    user_description: str | None = Field(default=None, max_length=4000)
    settings: IntegrationRef | None = None


class ToolKitDetails(Lenient):
    toolkit: str = Field(min_length=1, max_length=200)
    tools: list[ToolDetails] = Field(default_factory=list, max_length=200)
    label: str = Field(default="", max_length=200)
    settings_config: bool = False
    is_external: bool = False
    settings: IntegrationRef | None = None


class MCPServerConfig(Lenient):
    command: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=2000)
    args: list[str] | None = Field(default_factory=list)
    headers: dict[str, str] | None = Field(default_factory=dict)
    env: dict[str, Any] | None = Field(default_factory=dict)
    type: str | None = Field(default=None, max_length=50)
    auth_token: str | None = Field(default=None, max_length=4000)
    single_usage: bool = False
    tools: list[str] | None = None


class MCPServerDetails(Lenient):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    enabled: bool = True
    mcp_config_id: str | None = None
    use_custom_config: bool = False
    config: MCPServerConfig | None = None
    mcp_connect_url: str | None = Field(default=None, max_length=2000)
    tools_tokens_size_limit: int | None = Field(default=None, gt=0, le=INT32_MAX)
    command: str | None = Field(default=None, max_length=1000)
    arguments: str | None = Field(default=None, max_length=10_000)
    settings: IntegrationRef | None = None
    integration_alias: str | None = None
    mcp_connect_auth_token: IntegrationRef | None = None
    resolve_dynamic_values_in_arguments: bool = False
    tools: list[str] | None = None


class PromptVariable(Lenient):
    key: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=200)
    default_value: str = Field(default="", max_length=500)
    is_sensitive: bool = False

    @field_validator("key")
    @classmethod
    def _identifier(cls, key: str) -> str:
        if not VARIABLE_KEY.match(key):
            raise ValueError("must be letters, digits and underscores, not starting with a digit")
        return key


class ToolCallPolicy(StrEnum):
    AUTO_APPROVE = "auto_approve"
    APPROVE_FOR_ME = "approve_for_me"
    ASK_FOR_APPROVAL = "ask_for_approval"


class ToolPermissions(Lenient):
    tool_call_policy: ToolCallPolicy = ToolCallPolicy.AUTO_APPROVE
    allow_override: bool = True


class AssistantRequest(Lenient):
    """POST /v1/assistants and PUT /v1/assistants/{id} (CodeMie's AssistantRequest).

    On update only the fields present in the body change; the others keep their values.
    """

    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=10_000)
    system_prompt: str = Field(max_length=200_000)
    project: str | None = Field(default=None, min_length=1, max_length=200)
    llm_model_type: str | None = Field(default=None, min_length=1, max_length=200)
    context: list[Context] = Field(default_factory=list, max_length=100)
    icon_url: str | None = Field(default=None, max_length=2000)
    toolkits: list[ToolKitDetails] = Field(default_factory=list, max_length=100)
    conversation_starters: list[str] = Field(default_factory=list, max_length=20)
    shared: bool = True
    is_react: bool = False
    # Publishing goes through /marketplace/publish; a create/update never makes an assistant global.
    is_global: bool | None = None
    categories: list[str] = Field(default_factory=list, max_length=3)
    slug: str | None = Field(default=None, max_length=200)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, ge=0.0, le=1.0)
    tools_tokens_size_limit: int | None = Field(default=None, gt=0, le=INT32_MAX)
    mcp_servers: list[MCPServerDetails] = Field(default_factory=list, max_length=50)
    assistant_ids: list[str] = Field(default_factory=list, max_length=50)
    enabled_builtin_subagents: list[str] | None = None
    prompt_variables: list[PromptVariable] | None = Field(default_factory=list, max_length=100)
    skip_integration_validation: bool | None = False
    tool_permissions: ToolPermissions | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("must not be blank")
        return name.strip()

    @field_validator("conversation_starters")
    @classmethod
    def _starters(cls, starters: list[str]) -> list[str]:
        if any(len(s) > 1000 for s in starters):
            raise ValueError("each conversation starter must be at most 1000 characters")
        return starters

    @field_validator("categories")
    @classmethod
    def _categories(cls, categories: list[str]) -> list[str]:
        if any(not c.strip() or len(c) > 100 for c in categories):
            raise ValueError("each category must be 1 to 100 characters")
        return categories

    @field_validator("prompt_variables")
    @classmethod
    def _unique_keys(cls, variables: list[PromptVariable] | None) -> list[PromptVariable] | None:
        keys = [v.key for v in variables or []]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"duplicate prompt variable keys: {', '.join(duplicates)}")
        return variables


class RollbackRequest(Lenient):
    change_notes: str | None = Field(default=None, max_length=2000)


class PrebuiltCreate(Lenient):
    """POST /v1/assistants/prebuilt/{slug}: create an assistant from a template (Codemill's addition)."""

    project: str | None = Field(default=None, min_length=1, max_length=200)
    name: str | None = Field(default=None, min_length=1, max_length=255)
    slug: str | None = Field(default=None, max_length=200)
    llm_model_type: str | None = Field(default=None, min_length=1, max_length=200)
    shared: bool = True


class PublishRequest(Lenient):
    categories: list[str] | None = Field(default=None, max_length=3)
    ignore_recommendations: bool = False
