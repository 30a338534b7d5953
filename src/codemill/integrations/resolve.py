"""Which credentials a tool or datasource uses: one function, one order.

credentials_for tries, in order: the caller's own choice for the assistant (their assistant user mapping;
a marketplace assistant's own integration of the type still wins, as in CodeMie) → the explicit integration
id → the assistant's own integration → the caller's integration in this project → the caller's global
integration → the project's integration.
Within a step, defaults come first, then the most recently updated. Git credentials must match the
repository: the exact repository URL first, then the longest matching prefix (a group, or the bare
host). A Git credential is never handed out for a repository on another host.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import Unprocessable
from codemill.integrations import repository
from codemill.integrations.sealing import all_values, cipher_of
from codemill.integrations.types import TYPES, CredentialType
from codemill.kit.crypto import SecretCipher
from codemill.models import Assistant, Integration

Source = Literal["mapped", "explicit", "assistant", "user_project", "user_global", "project"]
_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?([^:/]+):(.+)$")


@dataclass(frozen=True)
class ResolvedCredentials:
    """Decrypted credentials and where they came from. Never log `values`."""

    integration_id: str
    credential_type: str
    alias: str
    source: Source
    values: dict[str, Any]

    def __repr__(self) -> str:  # keeps secrets out of tracebacks and debug logs
        return f"ResolvedCredentials({self.credential_type} {self.alias!r} from {self.source})"


def repo_location(url: str) -> tuple[str, list[str]] | None:
    """(host[:port], path segments) of a repository URL (https, ssh or scp-like); None when unparsable."""
    text = url.strip()
    if "://" not in text:
        scp = _SCP_LIKE.match(text)
        if not scp:
            return None
        host, path = scp.group(1), scp.group(2)
    else:
        parts = urlsplit(text)
        if not parts.hostname:
            return None
        host = parts.hostname + (f":{parts.port}" if parts.port and parts.port not in (80, 443, 22) else "")
        path = parts.path
    segments = [s for s in path.strip("/").split("/") if s]
    if segments and segments[-1].endswith(".git"):
        segments[-1] = segments[-1][:-4]
    return host.lower(), [s.lower() for s in segments]


def repo_match(integration_url: str, repo_url: str) -> int | None:
    """How well an integration's URL covers a repository: higher is closer; None when it does not."""
    have, want = repo_location(integration_url), repo_location(repo_url)
    if have is None or want is None or have[0] != want[0]:
        return None
    if want[1][: len(have[1])] != have[1]:
        return None
    return len(have[1]) + (1000 if have[1] == want[1] else 0)


def _pick(candidates: list[Integration], url_key: str | None, repo_url: str | None) -> Integration | None:
    if repo_url is None or url_key is None:
        return candidates[0] if candidates else None
    best: tuple[int, Integration] | None = None
    for candidate in candidates:  # already ordered: defaults, then newest
        score = repo_match(str(candidate.values.get(url_key) or ""), repo_url)
        if score is not None and (best is None or score > best[0]):
            best = (score, candidate)
    return best[1] if best else None


def attached_integration_ids(assistant: Assistant) -> list[str]:
    """Integration ids an assistant's configuration names (toolkits, tools, MCP servers)."""
    found: list[str] = []

    def take(holder: Any) -> None:
        settings = holder.get("settings") if isinstance(holder, dict) else None
        if isinstance(settings, dict) and isinstance(settings.get("id"), str) and settings["id"] not in found:
            found.append(settings["id"])

    for toolkit in assistant.toolkits or []:
        take(toolkit)
        for tool in (toolkit.get("tools") or []) if isinstance(toolkit, dict) else []:
            take(tool)
    for server in assistant.mcp_servers or []:
        take(server)
    return found


def _assistant_may_lend(principal: Principal, assistant: Assistant, integration: Integration) -> bool:
    """An assistant lends what its creator attached: the creator's own, or its project's integrations."""
    if policy.can_use_integration(principal, integration):
        return True
    if integration.setting_type == "user":
        return integration.owner_id is not None and integration.owner_id == assistant.created_by
    return integration.project_name == assistant.project


async def _resolved(cipher: SecretCipher, integration: Integration, source: Source) -> ResolvedCredentials:
    return ResolvedCredentials(
        integration.id, integration.credential_type, integration.alias, source, await all_values(cipher, integration)
    )


async def _mapped(
    session: AsyncSession,
    principal: Principal,
    assistant: Assistant,
    ctype: CredentialType,
    integration_id: str | None,
    repo_url: str | None,
    workflow_id: str | None,
) -> Integration | None:
    """The caller's mapped integration of this type that they may still use (access is checked again:
    an integration can be unshared or moved after it was mapped), or None."""
    if assistant.is_global:
        # A marketplace assistant that brings its own integration of the type keeps it (CodeMie's rule).
        own = [integration_id] if integration_id else attached_integration_ids(assistant)
        for own_id in own:
            found = await repository.get(session, own_id)
            if found is not None and found.credential_type == ctype.name:
                return None
    usable: list[Integration] = []
    for mapped_id in await repository.mapped_integration_ids(session, assistant.id, principal.user_id, workflow_id):
        found = await repository.get(session, mapped_id)
        if (
            found is not None
            and found.credential_type == ctype.name
            and policy.can_map_integration(principal, assistant, found)
        ):
            usable.append(found)
    return _pick(usable, ctype.url_key, repo_url)


async def credentials_for(
    session: AsyncSession,
    principal: Principal,
    project: str,
    assistant: Assistant | None,
    toolkit: str,
    integration_id: str | None = None,
    repo_url: str | None = None,
    *,
    cipher: SecretCipher | None = None,
    workflow_id: str | None = None,
    user_mapping: bool = True,
) -> ResolvedCredentials | None:
    """The credentials of type `toolkit` (a credential type: "Git", "Jira", …) to use, or None.

    Within a workflow run (`workflow_id`), the caller's mapping for that workflow overrides their
    assistant mapping slot by slot. An explicit integration id the caller may not use is 404; one of another type, or (Git) for
    another host, is 422. `user_mapping=False` skips the caller's mappings (they map tool slots; the chat's
    LLM key is not one).
    """
    ctype = TYPES.get(toolkit)
    if ctype is None:
        raise ValueError(f"unknown credential type {toolkit!r}; expected one of {sorted(TYPES)}")
    policy.ensure_project_visible(principal, project)
    cipher = cipher or cipher_of(session)

    if assistant is not None and user_mapping:
        mapped = await _mapped(session, principal, assistant, ctype, integration_id, repo_url, workflow_id)
        if mapped is not None:
            return await _resolved(cipher, mapped, "mapped")

    if integration_id:
        explicit = policy.ensure_integration_usable(principal, await repository.get(session, integration_id))
        if explicit.credential_type != ctype.name:
            raise Unprocessable(
                f"Integration '{explicit.alias}' is a {explicit.credential_type} integration, not {ctype.name}"
            )
        if _pick([explicit], ctype.url_key, repo_url) is None:
            raise Unprocessable(f"Integration '{explicit.alias}' does not cover the repository {repo_url}")
        return await _resolved(cipher, explicit, "explicit")

    if assistant is not None:
        lent: list[Integration] = []
        for attached_id in attached_integration_ids(assistant):
            found = await repository.get(session, attached_id)
            if (
                found is not None
                and found.credential_type == ctype.name
                and _assistant_may_lend(principal, assistant, found)
            ):
                lent.append(found)
        chosen = _pick(lent, ctype.url_key, repo_url)
        if chosen is not None:
            return await _resolved(cipher, chosen, "assistant")

    # One query for the three scopes, then the usual order: theirs in the project, theirs global, the project's.
    candidates = await repository.of_type_for_caller(
        session, ctype.name, owner_id=principal.user_id, project_name=project
    )
    scopes: list[tuple[Source, Callable[[Integration], bool]]] = [
        (
            "user_project",
            lambda i: (
                i.setting_type == "user"
                and i.owner_id == principal.user_id
                and i.project_name == project
                and not i.is_global
            ),
        ),
        ("user_global", lambda i: i.setting_type == "user" and i.owner_id == principal.user_id and i.is_global),
        ("project", lambda i: i.setting_type == "project" and i.project_name == project),
    ]
    for source, in_scope in scopes:
        chosen = _pick([i for i in candidates if in_scope(i)], ctype.url_key, repo_url)
        if chosen is not None:
            return await _resolved(cipher, chosen, source)
    return None


async def credentials_by_alias(
    session: AsyncSession,
    principal: Principal,
    project: str,
    toolkit: str,
    alias: str,
    *,
    cipher: SecretCipher | None = None,
) -> ResolvedCredentials | None:
    """The integration of type `toolkit` named `alias` that the caller may use here, in the usual
    order (theirs in the project, theirs global, the project's), or None."""
    ctype = TYPES.get(toolkit)
    if ctype is None:
        raise ValueError(f"unknown credential type {toolkit!r}; expected one of {sorted(TYPES)}")
    policy.ensure_project_visible(principal, project)
    steps: list[tuple[Source, dict[str, Any]]] = [
        (
            "user_project",
            {"owner_id": principal.user_id, "project_name": project, "is_global": False, "setting_type": "user"},
        ),
        ("user_global", {"owner_id": principal.user_id, "is_global": True, "setting_type": "user"}),
        ("project", {"project_name": project, "setting_type": "project"}),
    ]
    for source, scope in steps:
        for candidate in await repository.of_type(session, ctype.name, **scope):
            if candidate.alias == alias:
                return await _resolved(cipher or cipher_of(session), candidate, source)
    return None
