"""Skills written with AI: instructions from a description, a whole skill draft, recommendations on a skill.

Each is one call of the configured model (an LLM integration of the caller's current project or their own is
used when there is one, as in chat), recorded in the usage log with the source "skills". A model that answers
in prose where JSON was asked still gives a usable result: its text becomes the instructions.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.principal import Principal
from codemill.errors import NotFound, Unavailable, Unprocessable, UpstreamError
from codemill.integrations.resolve import credentials_for
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.gateway import LLMGateway, ProviderCredentials
from codemill.llm.provider import ChatMessage, CompletionRequest, LLMError, Usage, complete
from codemill.llm.usage import ModelCall, UsageOwner, record_usage
from codemill.skills.generation_schemas import (
    FieldRecommendation,
    InstructionsGenerateOut,
    InstructionsGenerateRequest,
    RefineOut,
    SkillGenerateOut,
    SkillGenerateRequest,
    SkillRefineRequest,
    ToolkitRecommendation,
)
from codemill.skills.schemas import MAX_CONTENT, SkillCategory

LLM_CREDENTIAL_TYPE = "LiteLLM"
MAX_CATEGORIES = 3
HELP = "Try refining your description or using a different model."

SKILL_FORMAT = (
    "A skill is a set of instructions an AI assistant loads when a task needs it (Anthropic's SKILL.md "
    "format): Markdown, starting with a level-one heading, then when to use the skill, the steps to follow "
    "in order, the rules and pitfalls, and a short example. Write in the imperative, be concrete, no preamble."
)
INSTRUCTIONS_PROMPT = f"You write skill instructions. {SKILL_FORMAT} Answer with the instructions only."
REFINE_INSTRUCTIONS_PROMPT = (
    f"You improve existing skill instructions. {SKILL_FORMAT} Keep what is right, fix what is vague, "
    "wrong or missing, and follow the user's wishes when given. Answer with the complete improved instructions only."
)
CATEGORIES = ", ".join(c.value for c in SkillCategory)
GENERATE_PROMPT = (
    f"You design skills. {SKILL_FORMAT} From the user's request, answer with one JSON object and nothing else: "
    '{"name": kebab-case, at most 64 characters; "description": one or two sentences saying what the skill '
    'does and when to use it; "instructions": the Markdown instructions; "categories": up to three of '
    f'[{CATEGORIES}]; "toolkits": [{{"toolkit": name, "tools": [{{"name": tool name}}]}}] chosen only from '
    "the available toolkits listed, or []}."
)
REFINE_PROMPT = (
    f"You review skills. {SKILL_FORMAT} Review the skill given as JSON and answer with one JSON object and "
    'nothing else: {"fields": [{"name": "name"|"description"|"instructions"|"categories", "action": '
    '"change"|"keep", "recommended": the replacement (a list for categories), "reason": one to three '
    'sentences, "severity": "critical"|"optional"}], "toolkits": [{"toolkit": name, "tools": [{"name": '
    'tool name, "action": "change"|"delete"|"keep", "reason": why}]}], "context": []}. '
    "Follow the user's refinement wishes when given."
)


async def instructions(
    session: AsyncSession, principal: Principal, gateway: LLMGateway, body: InstructionsGenerateRequest
) -> InstructionsGenerateOut:
    """New instructions from a description, or the existing ones improved (refine mode)."""
    refining = bool(body.existing_instructions and body.existing_instructions.strip())
    parts = [f"Skill name: {body.skill_name}"] if body.skill_name else []
    if body.description:
        parts.append(f"What the skill should do:\n{body.description}")
    if refining:
        parts.append(f"Existing instructions:\n{body.existing_instructions}")
    if not parts:
        raise Unprocessable(
            "Describe what the skill should do, or give instructions to refine", details={"field": "description"}
        )
    system = REFINE_INSTRUCTIONS_PROMPT if refining else INSTRUCTIONS_PROMPT
    text, model, usage = await _ask(
        session, principal, gateway, body.llm_model, system, "\n\n".join(parts), "Failed to generate instructions"
    )
    return InstructionsGenerateOut(
        instructions=_strip_fence(text)[:MAX_CONTENT],
        metadata={
            "llm_model": model.base_name,
            "mode": "refine" if refining else "generate",
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
        },
    )


async def draft(
    session: AsyncSession,
    principal: Principal,
    gateway: LLMGateway,
    body: SkillGenerateRequest,
    available_toolkits: list[dict[str, Any]],
) -> SkillGenerateOut:
    """A whole skill drafted from the user's text."""
    offered = _toolkit_names(available_toolkits) if body.include_tools else {}
    prompt = GENERATE_PROMPT + (
        f"\nAvailable toolkits: {json.dumps({k: sorted(v) for k, v in offered.items()})}"
        if offered
        else '\nNo toolkits are available: answer "toolkits": [].'
    )
    text, _, _ = await _ask(session, principal, gateway, body.llm_model, prompt, body.text, "Failed to generate skill")
    found = _json_object(text)
    instructions_text = str(found.get("instructions") or "").strip() or _strip_fence(text)
    return SkillGenerateOut(
        name=kebab(str(found.get("name") or "")) or kebab(body.text),
        description=(str(found.get("description") or "").strip() or body.text.strip())[:1000],
        instructions=instructions_text[:MAX_CONTENT],
        categories=_categories(found.get("categories")),
        toolkits=_known_toolkits(found.get("toolkits"), offered),
    )


async def refine(
    session: AsyncSession,
    principal: Principal,
    gateway: LLMGateway,
    body: SkillRefineRequest,
    available_toolkits: list[dict[str, Any]],
) -> RefineOut:
    """The model's recommendations for a skill, per field and per toolkit."""
    skill = body.model_dump(exclude={"refine_prompt", "llm_model"}, exclude_none=True)
    if not skill:
        raise Unprocessable(
            "Give the skill to refine: at least its name, description or instructions",
            details={"field": "instructions"},
        )
    user = f"Skill:\n{json.dumps(skill, ensure_ascii=False)}"
    if body.refine_prompt:
        user += f"\n\nThe user's wishes:\n{body.refine_prompt}"
    offered = _toolkit_names(available_toolkits)
    system = REFINE_PROMPT + f"\nAvailable toolkits: {json.dumps({k: sorted(v) for k, v in offered.items()})}"
    text, _, _ = await _ask(session, principal, gateway, body.llm_model, system, user, "Failed to refine skill")
    found = _json_object(text)
    if not found:  # prose: one recommendation carrying it, as improved instructions
        advice = _strip_fence(text)
        return RefineOut(
            fields=[
                FieldRecommendation.model_validate(
                    {"name": "instructions", "action": "change", "recommended": advice, "severity": "optional"}
                )
            ]
            if advice
            else []
        )
    return RefineOut(
        fields=_valid(FieldRecommendation, found.get("fields")),
        toolkits=[t for t in _valid(ToolkitRecommendation, found.get("toolkits")) if t.toolkit in offered],
        context=[],
    )


async def _ask(
    session: AsyncSession,
    principal: Principal,
    gateway: LLMGateway,
    model_name: str | None,
    system: str,
    user: str,
    failure: str,
) -> tuple[str, CatalogueModel, Usage]:
    """One model call; its usage is recorded; a provider failure is 502 with CodeMie's message."""
    model = gateway.model(model_name)
    provider = gateway.provider_for(model, await _credentials(session, principal, model))
    request = CompletionRequest(model=model, messages=[ChatMessage("system", system), ChatMessage("user", user)])
    started = time.perf_counter()
    owner = UsageOwner(user_id=principal.user_id, project=principal.current_project, source="skills")
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


def _strip_fence(text: str) -> str:
    """The text without a code fence wrapped around all of it."""
    stripped = text.strip()
    match = FENCE.match(stripped)
    return match.group(1).strip() if match else stripped


def _json_object(text: str) -> dict[str, Any]:
    """The JSON object in a model's answer (fenced or with words around it), or {}."""
    body = _strip_fence(text)
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        return {}
    try:
        found = json.loads(body[start : end + 1])
    except json.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}


def kebab(text: str) -> str:
    """A skill name: lower-case words joined by hyphens, at most 64 characters, cut at a word."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    name = ""
    for word in words:
        longer = f"{name}-{word}" if name else word
        if len(longer) > 64:
            break
        name = longer
    return name or (words[0][:64] if words else "")


def _categories(value: Any) -> list[str]:
    known = {c.value for c in SkillCategory}
    found: list[str] = []
    for item in value if isinstance(value, list) else []:
        category = re.sub(r"[\s-]+", "_", str(item).strip().lower())
        if category in known and category not in found:
            found.append(category)
    return found[:MAX_CATEGORIES]


def _toolkit_names(toolkits: list[dict[str, Any]]) -> dict[str, set[str]]:
    return {str(t["toolkit"]): {str(tool["name"]) for tool in t.get("tools") or []} for t in toolkits}


def _known_toolkits(value: Any, offered: dict[str, set[str]]) -> list[dict[str, Any]]:
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


def _valid[T: (FieldRecommendation, ToolkitRecommendation)](kind: type[T], value: Any) -> list[T]:
    """The items of a list that are valid `kind`s (the model's mistakes are dropped, not fatal)."""
    valid: list[T] = []
    for item in value if isinstance(value, list) else []:
        try:
            valid.append(kind.model_validate(item))
        except ValueError:
            continue
    return valid
