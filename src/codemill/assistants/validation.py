"""Checks an assistant must pass before it is saved; each failure names the field at fault."""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import repository as assistants
from codemill.assistants import sealing
from codemill.assistants.schemas import IntegrationRef, MCPServerDetails, PromptVariable, ToolKitDetails
from codemill.assistants.templates import (
    DEFAULT_LIMITS,
    PromptLimitExceeded,
    PromptTemplateError,
    check_template,
    render_prompt_async,
)
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, CodemillError, NotFound, Unprocessable
from codemill.integrations import repository as integrations
from codemill.llm.catalogue import Catalogue
from codemill.models import Assistant, Project
from codemill.projects import repository as projects

SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*$")

SENSITIVE_MASK = "********"
"""What a secret reads as in responses; sent back unchanged, it keeps the stored value."""


def _invalid(field: str, message: str, **details: Any) -> Unprocessable:
    return Unprocessable(f"{field}: {message}", details={"field": field, **details})


def llm_model(catalogue: Catalogue, name: str | None) -> str:
    """The catalogue model the assistant will use: the named one, or the default when none is named."""
    model = catalogue.llm(name)
    if model is None:
        available = [m.base_name for m in catalogue.llm_models]
        if name:
            raise _invalid("llm_model_type", f"unknown model '{name}'", value=name, available=available)
        raise _invalid("llm_model_type", "no model is configured; name one from /v1/llm_models")
    return name or model.base_name


def system_prompt(template: str) -> None:
    """The prompt must be a usable sandboxed Jinja2 template."""
    try:
        check_template(template)
    except PromptTemplateError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise _invalid("system_prompt", f"invalid prompt template: {exc.message}{where}", line=exc.line) from None


async def prompt_renders(session: AsyncSession, principal: Principal, assistant: Assistant) -> None:
    """The system prompt, test-rendered with the assistant's variables as chat renders it, stays within the
    render limits (422 otherwise). Other render failures are left to chat to report, as before."""
    values = await sealing.prompt_values(session, assistant)
    try:
        await render_prompt_async(assistant.system_prompt, values, current_user=principal.name or principal.email)
    except PromptLimitExceeded as exc:
        raise _invalid(
            "system_prompt",
            f"the prompt template goes past the render limits when rendered with its prompt variables: {exc.message}",
            reason=exc.message,
            limits={
                "seconds": DEFAULT_LIMITS.seconds,
                "loop_iterations": DEFAULT_LIMITS.loop_iterations,
                "output_chars": DEFAULT_LIMITS.output_chars,
            },
        ) from None
    except PromptTemplateError:
        pass


def _integration_refs(
    toolkits: list[ToolKitDetails], servers: list[MCPServerDetails]
) -> list[tuple[str, IntegrationRef]]:
    """Every integration a configuration names by id, with the field that names it."""
    refs: list[tuple[str, IntegrationRef | None]] = []
    for i, toolkit in enumerate(toolkits):
        refs.append((f"toolkits.{i}.settings", toolkit.settings))
        refs += [(f"toolkits.{i}.tools.{j}.settings", tool.settings) for j, tool in enumerate(toolkit.tools)]
    for i, server in enumerate(servers):
        refs.append((f"mcp_servers.{i}.settings", server.settings))
        refs.append((f"mcp_servers.{i}.mcp_connect_auth_token", server.mcp_connect_auth_token))
    return [(field, ref) for field, ref in refs if ref is not None and ref.id]


def attached_integration_ids(assistant: Assistant) -> set[str]:
    """The integration ids an assistant's stored configuration names."""
    holders: list[Any] = []
    for toolkit in assistant.toolkits or []:
        holders.append(toolkit.get("settings"))
        holders += [tool.get("settings") for tool in toolkit.get("tools") or [] if isinstance(tool, dict)]
    for server in assistant.mcp_servers or []:
        holders += [server.get("settings"), server.get("mcp_connect_auth_token")]
    return {h["id"] for h in holders if isinstance(h, dict) and isinstance(h.get("id"), str)}


async def integrations_usable(
    session: AsyncSession,
    principal: Principal,
    toolkits: list[ToolKitDetails],
    servers: list[MCPServerDetails],
    attached: set[str],
) -> None:
    """Each integration newly named (not `attached` already) is one the caller may use, as auth.policy
    decides (404 for one they may not see), and of the credential type the reference says."""
    for field, ref in _integration_refs(toolkits, servers):
        integration_id = str(ref.id)
        if integration_id in attached:  # kept as it was: checked when it was attached
            continue
        try:
            found = policy.ensure_integration_usable(principal, await integrations.get(session, integration_id))
        except CodemillError as exc:
            details = {"field": f"{field}.id", "integration_id": integration_id}
            raise type(exc)(f"{field}.id: {exc.message}", details=details, help=exc.help) from None
        if found.credential_type != ref.credential_type:
            raise _invalid(
                f"{field}.credential_type",
                f"integration '{integration_id}' is a {found.credential_type} integration, not {ref.credential_type}",
                integration_id=integration_id,
            )


async def project(session: AsyncSession, principal: Principal, name: str) -> Project:
    """A project the caller belongs to (404 otherwise, as for any invisible object)."""
    policy.ensure_project_visible(principal, name)
    found = await projects.get(session, name)
    if found is None:
        raise NotFound("Project not found", details={"project": name})
    return found


def slug_format(slug: str) -> str:
    """A slug is URL-safe: letters, digits, '.', '_', '~', '-', and '/' between segments."""
    slug = slug.strip()
    if not SLUG_RE.match(slug):
        raise _invalid(
            "slug", "may contain only letters, digits, '.', '_', '~', '-' and '/' between segments", value=slug
        )
    return slug


async def unique_slug(session: AsyncSession, slug: str) -> str:
    """On create a taken slug gets a random suffix, as CodeMie does."""
    candidate = slug
    while await assistants.slug_taken(session, candidate):
        candidate = f"{slug}-{secrets.token_hex(3)}"
    return candidate


async def sub_assistants(session: AsyncSession, principal: Principal, ids: list[str], own_id: str | None) -> list[str]:
    """Sub-assistants must exist, be visible to the caller, not be the assistant itself, and have none of their own
    (400 with CodeMie's words in `message` and `details`)."""
    wanted = list(dict.fromkeys(ids))
    if own_id is not None and own_id in wanted:
        raise _sub_assistants_refused(
            "Circular reference detected: An assistant cannot include itself as an inner assistant"
        )
    found = {a.id: a for a in await assistants.get_many(session, wanted)}
    nested: list[str] = []
    for assistant_id in wanted:
        sub = found.get(assistant_id)
        if sub is None or not policy.can_view_assistant(principal, sub):
            raise _sub_assistants_refused(
                f'Invalid reference: Assistant with ID "{assistant_id}" does not exist in the system'
            )
        if sub.assistant_ids:
            nested.append(sub.name)
    if len(nested) == 1:
        raise _sub_assistants_refused(
            f"Nested assistants aren't supported. Assistant '{nested[0]}' can't have its own sub-assistants"
        )
    if nested:
        raise _sub_assistants_refused(
            f"Nested assistants not supported. Inner assistants ({', '.join(nested)}) "
            "cannot contain their own inner assistants"
        )
    return wanted


def _sub_assistants_refused(reason: str) -> BadRequest:
    return BadRequest(
        reason,
        details=reason,
        help="assistant_ids: sub-assistants are one level deep and must be assistants you can see.",
    )


def toolkits_json(toolkits: list[ToolKitDetails]) -> list[dict[str, Any]]:
    """Toolkits as stored: integration settings are kept as references only."""
    out = []
    for toolkit in toolkits:
        data = toolkit.model_dump(mode="json", exclude={"settings", "tools"})
        data["settings"] = toolkit.settings.stored() if toolkit.settings else None
        data["tools"] = [
            tool.model_dump(mode="json", exclude={"settings"})
            | {"settings": tool.settings.stored() if tool.settings else None}
            for tool in toolkit.tools
        ]
        out.append(data)
    return out


def _unmasked(value: Any, stored: Any) -> Any:
    return stored if value == SENSITIVE_MASK else value


def _restore_mcp_secrets(config: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """Values sent back masked keep what is stored (a client round-trips what it read)."""
    for key in ("env", "headers"):
        before = stored.get(key) or {}
        config[key] = {k: _unmasked(v, before.get(k)) for k, v in (config.get(key) or {}).items()}
    config["auth_token"] = _unmasked(config.get("auth_token"), stored.get("auth_token"))
    return config


def mcp_servers_json(
    servers: list[MCPServerDetails], existing: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """MCP servers as stored; masked secrets are restored from the server of the same name."""
    before = {s.get("name"): s.get("config") or {} for s in existing or []}
    out = []
    for server in servers:
        data = server.model_dump(mode="json", exclude={"settings", "mcp_connect_auth_token"})
        if isinstance(data.get("config"), dict):
            data["config"] = _restore_mcp_secrets(data["config"], before.get(server.name, {}))
        data["settings"] = server.settings.stored() if server.settings else None
        data["mcp_connect_auth_token"] = (
            server.mcp_connect_auth_token.stored() if server.mcp_connect_auth_token else None
        )
        out.append(data)
    return out


def prompt_variables_json(
    variables: list[PromptVariable] | None, existing: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Prompt variables as stored; a sensitive value sent back masked keeps the value already stored.

    The SDK's PromptVariable has no `is_sensitive`, so a masked value of a variable stored as sensitive
    stays sensitive whatever the request says.
    """
    before = {v.get("key"): v for v in existing or []}
    out = []
    for variable in variables or []:
        data = variable.model_dump(mode="json")
        stored = before.get(variable.key) or {}
        if variable.default_value == SENSITIVE_MASK and stored.get("is_sensitive"):
            data["default_value"] = stored.get("default_value", "")
            data["is_sensitive"] = True
        out.append(data)
    return out
