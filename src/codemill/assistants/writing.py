"""Model calls that write assistants and skills for their users: one call of the configured model, its usage
recorded, the answer's JSON found wherever the model put it."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics.budgets.service import ensure_within_budget
from codemill.auth.principal import Principal
from codemill.errors import NotFound, Unavailable, UpstreamError
from codemill.integrations.resolve import credentials_for
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.gateway import LLMGateway, ProviderCredentials
from codemill.llm.provider import ChatMessage, CompletionRequest, LLMError, Usage, complete
from codemill.llm.usage import ModelCall, UsageOwner, record_usage

LLM_CREDENTIAL_TYPE = "LiteLLM"
HELP = "Try refining your description or using a different model."


async def ask(
    session: AsyncSession,
    principal: Principal,
    gateway: LLMGateway,
    model_name: str | None,
    system: str,
    user: str,
    failure: str,
    source: str,
) -> tuple[str, CatalogueModel, Usage]:
    """One model call; its usage is recorded; a provider failure is 502 with CodeMie's message."""
    model = gateway.model(model_name)
    # Budgets hold here as for chats: a hard limit refuses the call (402) before the model is asked.
    premium = gateway.catalogue.premium_llms()
    await ensure_within_budget(
        session, principal.user_id, principal.current_project, model=model.base_name, premium=premium
    )
    provider = gateway.provider_for(model, await _credentials(session, principal, model))
    request = CompletionRequest(model=model, messages=[ChatMessage("system", system), ChatMessage("user", user)])
    started = time.perf_counter()
    owner = UsageOwner(user_id=principal.user_id, project=principal.current_project, source=source)
    try:
        completion = await complete(provider, request)
    except LLMError as exc:
        latency = (time.perf_counter() - started) * 1000
        await record_usage(session, owner, [ModelCall(model, provider.name, Usage(0, 0, True), latency, "error")])
        raise UpstreamError(failure, details=f"An error occurred while generating: {exc.message}", help=HELP) from exc
    latency = (time.perf_counter() - started) * 1000
    await record_usage(session, owner, [ModelCall(model, provider.name, completion.usage, latency)])
    if not completion.text.strip():
        raise UpstreamError(failure, details="The model gave an empty answer.", help=HELP)
    return completion.text, model, completion.usage


async def _credentials(
    session: AsyncSession, principal: Principal, model: CatalogueModel
) -> ProviderCredentials | None:
    """An LLM integration of the caller's current project (or their own), as chat uses."""
    if model.api == "mock":
        return None
    try:
        found = await credentials_for(session, principal, principal.current_project, None, LLM_CREDENTIAL_TYPE)
    except (Unavailable, NotFound):
        return None
    if found is None:
        return None
    url, key = found.values.get("url"), found.values.get("api_key")
    return ProviderCredentials(base_url=str(url) if url else None, api_key=str(key) if key else None)


FENCE = re.compile(r"^```[a-zA-Z0-9_-]*\s*\n(.*?)\n?```\s*$", re.DOTALL)


def strip_fence(text: str) -> str:
    """The text without a code fence wrapped around all of it."""
    stripped = text.strip()
    match = FENCE.match(stripped)
    return match.group(1).strip() if match else stripped


def json_object(text: str) -> dict[str, Any]:
    """The JSON object in a model's answer (fenced or with words around it), or {}."""
    body = strip_fence(text)
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        return {}
    try:
        found = json.loads(body[start : end + 1])
    except json.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}


def valid_items[T: BaseModel](kind: type[T], value: Any) -> list[T]:
    """The items of a list that are valid `kind`s (the model's mistakes are dropped, not fatal)."""
    valid: list[T] = []
    for item in value if isinstance(value, list) else []:
        try:
            valid.append(kind.model_validate(item))
        except ValidationError:
            continue
    return valid


def toolkit_names(toolkits: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Toolkit name -> its tools' names."""
    return {str(t["toolkit"]): {str(tool["name"]) for tool in t.get("tools") or []} for t in toolkits}


def known_toolkits(value: Any, offered: dict[str, set[str]]) -> list[dict[str, Any]]:
    """The model's toolkits that exist, with only their tools that exist."""
    chosen: list[dict[str, Any]] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict) or str(item.get("toolkit")) not in offered:
            continue
        kit = str(item["toolkit"])
        names = [t.get("name") if isinstance(t, dict) else t for t in item.get("tools") or []]
        tools = [{"name": str(n)} for n in dict.fromkeys(str(n) for n in names) if n in offered[kit]]
        if tools:
            chosen.append({"toolkit": kit, "tools": tools})
    return chosen
