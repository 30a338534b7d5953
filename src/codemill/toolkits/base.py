"""What every toolkit tool shares: its metadata, the integration it uses, and the guarded HTTP client."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from codemill.errors import CodemillError
from codemill.integrations.resolve import ResolvedCredentials, credentials_for
from codemill.kit.outbound import OutboundClient, OutboundFailed, OutboundRefused
from codemill.models import Assistant
from codemill.tools.base import ToolContext, ToolError

# Output sent back to the model is cut here (the agent loop also truncates by tokens).
MAX_BODY_CHARS = 50_000


@dataclass(frozen=True, slots=True)
class Binding:
    """What a tool of an assistant is bound to: the assistant (it may lend its integrations) and the
    integration its toolkit entry names, if any."""

    assistant: Assistant
    integration_id: str | None = None


def workflow_of(ctx: ToolContext) -> str | None:
    """The workflow a tool runs in (its runs set it), for the caller's workflow-scoped integration mapping."""
    found = ctx.extra.get("workflow_id")
    return found if isinstance(found, str) and found else None


async def integration(
    ctx: ToolContext, binding: Binding, credential_type: str, repo_url: str | None = None
) -> ResolvedCredentials:
    """The credentials this call uses (integrations.resolve order; Git: the one covering `repo_url`);
    a ToolError naming what is missing."""
    try:
        async with ctx.sessions() as session:
            found = await credentials_for(
                session,
                ctx.principal,
                binding.assistant.project,
                binding.assistant,
                credential_type,
                binding.integration_id,
                repo_url,
                workflow_id=workflow_of(ctx),
            )
    except CodemillError as exc:
        raise ToolError(f"The {credential_type} integration cannot be used: {exc.message}") from exc
    if found is None:
        raise ToolError(
            f"No {credential_type} integration is available: create one in Integrations "
            f"(for you or for project {binding.assistant.project}) or attach one to the assistant."
        )
    return found


def outbound(ctx: ToolContext) -> OutboundClient:
    """The process's guarded client (private networks refused unless the settings allow them)."""
    client = ctx.outbound
    if client is None:
        raise ToolError("Outbound HTTP is not available in this process.")
    return client


async def http_call(
    ctx: ToolContext,
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    params: dict[str, Any] | None = None,
    body: Any = None,
) -> tuple[int, str]:
    """One guarded request; (status, body text). Refusals and network failures become ToolErrors."""
    response = await http_response(ctx, method, url, headers=headers, params=params, body=body)
    return response.status_code, response.text


async def http_response(
    ctx: ToolContext,
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    params: dict[str, Any] | None = None,
    body: Any = None,
) -> httpx.Response:
    """One guarded request, the whole response (a caller needing its headers, e.g. an ETag).
    A JSON body is sent as application/json unless `headers` names another content-type."""
    content = None if body is None else json.dumps(body).encode()
    send = {"accept": "application/json", **headers}
    if content is not None:
        send.setdefault("content-type", "application/json")
    try:
        return await outbound(ctx).request(method, url, headers=send, content=content, params=params)
    except (OutboundRefused, OutboundFailed) as exc:
        raise ToolError(str(exc)) from exc


def cut(text: str, limit: int = MAX_BODY_CHARS) -> str:
    """Text no longer than the limit, saying so when cut."""
    return text if len(text) <= limit else f"{text[:limit]}\n[cut at {limit} of {len(text)} characters]"


def parse_json_argument(value: Any, name: str) -> Any:
    """A JSON argument the model may send as an object or as JSON text (CodeMie's tools take text)."""
    if value is None or value == "":
        return None
    if isinstance(value, dict | list):
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ToolError(f"The argument '{name}' is not valid JSON: {exc.msg}.") from exc
    raise ToolError(f"The argument '{name}' must be a JSON object or JSON text.")


def answer(status: int, text: str, what: str) -> str:
    """The tool's output for an HTTP answer: the body, or a ToolError for a failure status."""
    if status >= 400:
        raise ToolError(f"{what} answered HTTP {status}: {cut(text, 2000)}")
    return cut(text) if text else f"HTTP {status} (no content)"
