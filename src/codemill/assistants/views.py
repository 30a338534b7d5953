"""What the assistants API returns: the response models (the CodeMie SDK's Assistant, AssistantVersion,
ToolKitDetails shapes) and the one place that builds them from rows.

Fields are declared in the order clients have always received them. Toolkits, MCP servers, context and
prompt variables are the assistant's stored configuration, returned as stored (secrets masked).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict, cast

from pydantic import BaseModel, Field

from codemill.assistants import versions
from codemill.assistants.prebuilt import PrebuiltTemplate
from codemill.assistants.service import AssistantDetail, AssistantListing
from codemill.assistants.validation import SENSITIVE_MASK
from codemill.assistants.version_service import VersionComparison, VersionPage
from codemill.assistants.versions import FieldChange
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.kit.api_schemas import MessageOut, Pagination
from codemill.kit.json_types import JsonObject
from codemill.models import Assistant, AssistantVersion, User
from codemill.tools.schemas import ToolkitOut


class CreatedByOut(BaseModel):
    """CodeMie's CreatedByUser."""

    id: str
    username: str
    name: str


class AssistantSavedOut(MessageOut):
    """Create, update or copy of an assistant (`assistantId` on create only)."""

    assistant_id: str | None = Field(default=None, alias="assistantId")
    validation: JsonObject | None = None


class _AssistantHead(BaseModel):
    id: str
    name: str
    slug: str | None
    type: str
    description: str | None
    icon_url: str | None
    created_by: CreatedByOut | None
    user_abilities: list[str]
    categories: list[str]
    is_global: bool
    shared: bool


class AssistantListItemOut(_AssistantHead):
    """A list entry (`minimal_response=true`, CodeMie's AssistantListResponse)."""

    unique_users_count: int
    unique_likes_count: int
    unique_dislikes_count: int
    origin: str


class PromptHistoryOut(BaseModel):
    system_prompt: str
    date: str
    created_by: CreatedByOut | None


class AssistantOut(_AssistantHead):
    """The whole assistant (CodeMie's Assistant)."""

    system_prompt: str
    system_prompt_history: list[PromptHistoryOut]
    project: str
    llm_model_type: str | None
    toolkits: list[JsonObject]
    conversation_starters: list[str]
    created_date: str
    updated_date: str
    creator: str
    temperature: float | None
    top_p: float | None
    context: list[Any]
    mcp_servers: list[JsonObject]
    assistant_ids: list[str]
    prompt_variables: list[JsonObject]
    version_count: int
    version: int
    unique_users_count: int
    unique_likes_count: int
    unique_dislikes_count: int
    origin: str
    is_react: bool
    tools_tokens_size_limit: int | None
    display_name: str | None
    enabled_builtin_subagents: list[str] | None
    clone_count: int
    tool_permissions: JsonObject | None


class AssistantListOut(BaseModel):
    data: list[AssistantOut | AssistantListItemOut]
    pagination: Pagination


class PrebuiltOut(BaseModel):
    """A shipped template in the Assistant shape (no id until copied)."""

    id: None
    slug: str
    name: str
    description: str
    system_prompt: str
    project: str
    toolkits: list[JsonObject]
    conversation_starters: list[str]
    prompt_variables: list[JsonObject]
    categories: list[str]
    icon_url: str | None
    llm_model_type: str | None
    temperature: float | None
    top_p: float | None
    shared: bool
    is_react: bool
    is_global: bool
    creator: str
    context: list[Any]
    mcp_servers: list[JsonObject]
    assistant_ids: list[str]


class PromptValidationOut(BaseModel):
    rendered_prompt: str
    is_valid: bool
    message: str


class AssistantVersionOut(BaseModel):
    """One version (the SDK's AssistantVersion) with its stored configuration fields."""

    id: str
    assistant_id: str
    version_number: int
    created_date: str
    created_by: CreatedByOut | None
    change_notes: str | None
    prompt_variables: list[JsonObject]
    mcp_servers: list[JsonObject]
    description: str | None
    system_prompt: str
    llm_model_type: str | None
    temperature: float | None
    top_p: float | None
    context: list[Any]
    toolkits: list[JsonObject]
    assistant_ids: list[str]
    conversation_starters: list[str]


class VersionHistoryOut(BaseModel):
    versions: list[AssistantVersionOut]
    total_versions: int
    assistant_name: str
    assistant_id: str
    page: int
    per_page: int


class VersionCompareOut(BaseModel):
    assistant_id: str
    version1: AssistantVersionOut
    version2: AssistantVersionOut
    differences: dict[str, FieldChange]
    changed_fields: list[str]
    change_summary: str


class RollbackOut(MessageOut):
    version_number: int


def saved(assistant_id: str | None, message: str = "Specified assistant saved") -> AssistantSavedOut:
    """The acknowledgement of a create (with the new id) or an update (`assistantId` null)."""
    return AssistantSavedOut(message=message, assistant_id=assistant_id, validation=None)


def created_by(user_id: str | None, users: dict[str, User]) -> CreatedByOut | None:
    """CodeMie's CreatedByUser; None when the user is gone."""
    user = users.get(user_id or "")
    if user is None:
        return None
    return CreatedByOut(id=user.id, username=user.username, name=user.name or user.username)


def masked_variables(variables: list[JsonObject]) -> list[JsonObject]:
    """Prompt variables with sensitive default values replaced by the mask."""
    return [
        v | {"default_value": SENSITIVE_MASK} if v.get("is_sensitive") and v.get("default_value") else v
        for v in variables
    ]


def masked_mcp_servers(servers: list[JsonObject]) -> list[JsonObject]:
    """MCP servers with environment values, header values and tokens replaced by the mask."""
    out = []
    for server in servers:
        config = server.get("config")
        if isinstance(config, dict):
            config = config | {
                "env": {k: SENSITIVE_MASK for k in config.get("env") or {}},
                "headers": {k: SENSITIVE_MASK for k in config.get("headers") or {}},
                "auth_token": SENSITIVE_MASK if config.get("auth_token") else None,
            }
            server = server | {"config": config}
        out.append(server)
    return out


class _Head(TypedDict):
    """The fields every assistant response starts with."""

    id: str
    name: str
    slug: str | None
    type: str
    description: str | None
    icon_url: str | None
    created_by: CreatedByOut | None
    user_abilities: list[str]
    categories: list[str]
    is_global: bool
    shared: bool


class _Usage(TypedDict):
    unique_users_count: int
    unique_likes_count: int
    unique_dislikes_count: int
    origin: str


def _head(assistant: Assistant, principal: Principal, users: dict[str, User]) -> _Head:
    return _Head(
        id=assistant.id,
        name=assistant.name,
        slug=assistant.slug,
        type="codemie",
        description=assistant.description,
        icon_url=assistant.icon_url,
        created_by=created_by(assistant.created_by, users),
        user_abilities=policy.assistant_abilities(principal, assistant),
        categories=list(assistant.categories),
        is_global=assistant.is_global,
        shared=assistant.shared,
    )


def _usage(counts: tuple[int, int, int]) -> _Usage:
    """CodeMie's counters: users who chatted with the assistant, likes, dislikes."""
    chatted, likes, dislikes = counts
    return _Usage(
        unique_users_count=chatted, unique_likes_count=likes, unique_dislikes_count=dislikes, origin="unknown"
    )


def minimal(
    assistant: Assistant, principal: Principal, users: dict[str, User], counts: tuple[int, int, int]
) -> AssistantListItemOut:
    """The list item of `minimal_response=true`."""
    return AssistantListItemOut(**_head(assistant, principal, users), **_usage(counts))


def full(
    assistant: Assistant,
    principal: Principal,
    users: dict[str, User],
    counts: tuple[int, int, int],
    history: list[AssistantVersion] | None = None,
) -> AssistantOut:
    """The whole assistant; `history` (its versions, newest first) gives the earlier system prompts."""
    return AssistantOut(
        **_head(assistant, principal, users),
        system_prompt=assistant.system_prompt,
        system_prompt_history=prompt_history(history or [], assistant, users),
        project=assistant.project,
        llm_model_type=assistant.llm_model_type,
        toolkits=assistant.toolkits,
        conversation_starters=assistant.conversation_starters,
        created_date=assistant.created_at.isoformat(),
        updated_date=assistant.updated_at.isoformat(),
        creator=assistant.created_by or "system",
        temperature=assistant.temperature,
        top_p=assistant.top_p,
        context=assistant.context,
        mcp_servers=masked_mcp_servers(assistant.mcp_servers),
        assistant_ids=assistant.assistant_ids,
        prompt_variables=masked_variables(assistant.prompt_variables),
        version_count=assistant.version_count,
        version=assistant.version_count,
        **_usage(counts),
        is_react=assistant.is_react,
        tools_tokens_size_limit=assistant.tools_tokens_size_limit,
        display_name=None,
        enabled_builtin_subagents=assistant.enabled_builtin_subagents,
        clone_count=0,
        tool_permissions=assistant.tool_permissions,
    )


def listing(
    found: AssistantListing, principal: Principal, page: int, per_page: int, minimal_response: bool
) -> AssistantListOut:
    """A page of assistants, minimal or whole."""
    render = minimal if minimal_response else full
    return AssistantListOut(
        data=[render(a, principal, found.users, found.counts[a.id]) for a in found.assistants],
        pagination=Pagination(page=page, per_page=per_page, total=found.total),
    )


def detail(found: AssistantDetail, principal: Principal) -> AssistantOut:
    """One assistant with its system-prompt history."""
    return full(found.assistant, principal, found.users, found.counts, found.versions)


def version(row: AssistantVersion, users: dict[str, User]) -> AssistantVersionOut:
    """One version (the SDK's AssistantVersion, CodeMie's AssistantConfiguration)."""
    config = versions.normalised(row.config)
    return AssistantVersionOut(
        id=row.id,
        assistant_id=row.assistant_id,
        version_number=row.version_number,
        created_date=row.created_at.isoformat(),
        created_by=created_by(row.created_by, users),
        change_notes=row.change_notes,
        **config
        | {
            "prompt_variables": masked_variables(config["prompt_variables"]),
            "mcp_servers": masked_mcp_servers(config["mcp_servers"]),
        },
    )


def version_page(found: VersionPage) -> VersionHistoryOut:
    """CodeMie's AssistantVersionHistoryResponse."""
    return VersionHistoryOut(
        versions=[version(r, found.users) for r in found.rows],
        total_versions=found.total,
        assistant_name=found.assistant.name,
        assistant_id=found.assistant.id,
        page=found.page,
        per_page=found.per_page,
    )


def comparison(found: VersionComparison) -> VersionCompareOut:
    """Both versions, their field-level differences (secrets masked) and a readable summary."""
    changes = dict(found.changes)
    for field, mask in (("prompt_variables", masked_variables), ("mcp_servers", masked_mcp_servers)):
        if field in changes:  # never disclose secrets through a diff
            changes[field] = _masked_change(changes[field], mask)
    return VersionCompareOut(
        assistant_id=found.assistant.id,
        version1=version(found.first, found.users),
        version2=version(found.second, found.users),
        differences=changes,
        changed_fields=list(changes),
        change_summary=versions.summary(changes, found.first.version_number, found.second.version_number),
    )


def _masked_change(change: FieldChange, mask: Callable[[list[JsonObject]], list[JsonObject]]) -> FieldChange:
    return cast(FieldChange, {k: mask(v) if isinstance(v, list) else v for k, v in change.items()})


def rolled_back(number: int, created: int) -> RollbackOut:
    return RollbackOut(
        message=f"Rolled back to version {number}. Created new version {created}", version_number=created
    )


def prompt_history(rows: list[AssistantVersion], current: Assistant, users: dict[str, User]) -> list[PromptHistoryOut]:
    """Earlier system prompts, newest first: one entry per version whose prompt differs from the one after it."""
    history: list[PromptHistoryOut] = []
    later = current.system_prompt
    for row in rows:  # newest first
        if row.version_number == current.version_count:
            continue
        prompt = str(row.config.get("system_prompt", ""))
        if prompt != later:
            history.append(
                PromptHistoryOut(
                    system_prompt=prompt, date=row.created_at.isoformat(), created_by=created_by(row.created_by, users)
                )
            )
        later = prompt
    return history


def prebuilt(template: PrebuiltTemplate, principal: Principal) -> PrebuiltOut:
    """A template in the SDK's Assistant shape, placed in the caller's current project."""
    return PrebuiltOut(
        id=None,
        slug=template.slug,
        name=template.name,
        description=template.description,
        system_prompt=template.system_prompt,
        project=principal.current_project,
        toolkits=[t.model_dump(mode="json") for t in template.toolkits],
        conversation_starters=template.conversation_starters,
        prompt_variables=[v.model_dump(mode="json") for v in template.prompt_variables],
        categories=template.categories,
        icon_url=template.icon_url,
        llm_model_type=None,
        temperature=template.temperature,
        top_p=template.top_p,
        shared=False,
        is_react=False,
        is_global=False,
        creator="system",
        context=[],
        mcp_servers=[],
        assistant_ids=[],
    )


def toolkits(details: list[JsonObject]) -> list[ToolkitOut]:
    """The toolkit catalogue as CodeMie's ToolKitDetails list."""
    return [ToolkitOut.model_validate(d) for d in details]
