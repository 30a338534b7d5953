"""Assistants and versions as the API returns them (the CodeMie SDK's Assistant / AssistantVersion shapes)."""

from __future__ import annotations

from typing import Any

from codemill.assistants import versions
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.models import Assistant, AssistantVersion, User

SENSITIVE_MASK = "********"


def created_by(user_id: str | None, users: dict[str, User]) -> dict[str, str] | None:
    """CodeMie's CreatedByUser: {id, username, name}; None when the user is gone."""
    user = users.get(user_id or "")
    if user is None:
        return None
    return {"id": user.id, "username": user.username, "name": user.name or user.username}


def masked_variables(variables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Prompt variables with sensitive default values replaced by the mask."""
    return [
        v | {"default_value": SENSITIVE_MASK} if v.get("is_sensitive") and v.get("default_value") else v
        for v in variables
    ]


def masked_mcp_servers(servers: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


def minimal(assistant: Assistant, principal: Principal, users: dict[str, User]) -> dict[str, Any]:
    """The list item of `minimal_response=true` (CodeMie's AssistantListResponse)."""
    return {
        "id": assistant.id,
        "name": assistant.name,
        "slug": assistant.slug,
        "type": "codemie",
        "description": assistant.description,
        "icon_url": assistant.icon_url,
        "created_by": created_by(assistant.created_by, users),
        "user_abilities": policy.assistant_abilities(principal, assistant),
        "unique_users_count": 0,
        "unique_likes_count": 0,
        "unique_dislikes_count": 0,
        "categories": list(assistant.categories),
        "is_global": assistant.is_global,
        "shared": assistant.shared,
        "origin": "unknown",
    }


def full(
    assistant: Assistant,
    principal: Principal,
    users: dict[str, User],
    prompt_history: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The whole assistant (CodeMie's Assistant)."""
    return minimal(assistant, principal, users) | {
        "system_prompt": assistant.system_prompt,
        "system_prompt_history": prompt_history or [],
        "project": assistant.project,
        "llm_model_type": assistant.llm_model_type,
        "toolkits": assistant.toolkits,
        "conversation_starters": assistant.conversation_starters,
        "is_react": assistant.is_react,
        "created_date": assistant.created_at.isoformat(),
        "updated_date": assistant.updated_at.isoformat(),
        "creator": assistant.created_by or "system",
        "temperature": assistant.temperature,
        "top_p": assistant.top_p,
        "tools_tokens_size_limit": assistant.tools_tokens_size_limit,
        "context": assistant.context,
        "display_name": None,
        "mcp_servers": masked_mcp_servers(assistant.mcp_servers),
        "assistant_ids": assistant.assistant_ids,
        "enabled_builtin_subagents": assistant.enabled_builtin_subagents,
        "version_count": assistant.version_count,
        "prompt_variables": masked_variables(assistant.prompt_variables),
        "clone_count": 0,
        "tool_permissions": assistant.tool_permissions,
        "version": assistant.version_count,
    }


def version(row: AssistantVersion, users: dict[str, User]) -> dict[str, Any]:
    """One version (the SDK's AssistantVersion, CodeMie's AssistantConfiguration)."""
    config = versions.normalised(row.config)
    return {
        "id": row.id,
        "assistant_id": row.assistant_id,
        "version_number": row.version_number,
        "created_date": row.created_at.isoformat(),
        "created_by": created_by(row.created_by, users),
        "change_notes": row.change_notes,
        **config,
        "prompt_variables": masked_variables(config["prompt_variables"]),
        "mcp_servers": masked_mcp_servers(config["mcp_servers"]),
    }


def prompt_history(rows: list[AssistantVersion], current: Assistant, users: dict[str, User]) -> list[dict[str, Any]]:
    """Earlier system prompts, newest first: one entry per version whose prompt differs from the one after it."""
    history: list[dict[str, Any]] = []
    later = current.system_prompt
    for row in rows:  # newest first
        if row.version_number == current.version_count:
            continue
        prompt = str(row.config.get("system_prompt", ""))
        if prompt != later:
            history.append(
                {
                    "system_prompt": prompt,
                    "date": row.created_at.isoformat(),
                    "created_by": created_by(row.created_by, users),
                }
            )
        later = prompt
    return history
