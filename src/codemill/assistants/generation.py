"""Assistants written with AI: a whole draft from a sentence, a system prompt, recommendations on a draft.

One call of the configured model each (`writing.ask`), recorded in the usage log with the source "assistants".
A model that answers in prose where JSON was asked still gives a result: its text becomes the system prompt.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import marketplace_repository, writing
from codemill.assistants.generation_schemas import (
    AssistantGenerateOut,
    AssistantGenerateRequest,
    AssistantRefineRequest,
    ContextRecommendation,
    FieldRecommendation,
    PromptGenerateOut,
    PromptGenerateRequest,
    RefineOut,
    ToolkitRecommendation,
)
from codemill.auth.principal import Principal
from codemill.errors import Unprocessable
from codemill.llm.gateway import LLMGateway

SOURCE = "assistants"
MAX_CATEGORIES = 3
MAX_STARTERS = 4

PROMPT_RULES = (
    "A good system prompt says who the assistant is, what it helps with and for whom, how it works step by "
    "step, the rules it keeps and what it refuses, and the form of its answers. Second person, concrete, no "
    "filler."
)
DRAFT_PROMPT = (
    f"You design AI assistants. {PROMPT_RULES} From the user's request answer with one JSON object and nothing "
    'else: {"name": a short title; "description": one or two sentences; "categories": up to three ids from the '
    'categories listed; "conversation_starters": up to four questions a user would ask it; "system_prompt": the '
    'system prompt; "toolkits": [{"toolkit": name, "tools": [{"name": tool name}]}] chosen only from the '
    "available toolkits listed, or []}."
)
PROMPT_PROMPT = f"You write system prompts for AI assistants. {PROMPT_RULES} Answer with the system prompt only."
REFINE_PROMPT = (
    f"You review AI assistants before they are published. {PROMPT_RULES} Review the assistant given as JSON and "
    'answer with one JSON object and nothing else: {"fields": [{"name": "name"|"description"|"system_prompt"|'
    '"conversation_starters"|"categories", "action": "change"|"keep", "recommended": the replacement (a list '
    'for conversation_starters and categories), "reason": one to three sentences, "severity": "critical"|'
    '"optional"}], "toolkits": [{"toolkit": name, "tools": [{"name": tool name, "action": "change"|"delete"|'
    '"keep", "reason": why}]}], "context": [{"name": datasource name, "action": "change"|"delete"|"keep", '
    '"reason": why}]}. Follow the user\'s refinement wishes when given.'
)


async def draft(
    session: AsyncSession,
    principal: Principal,
    gateway: LLMGateway,
    body: AssistantGenerateRequest,
    available_toolkits: list[dict[str, Any]],
) -> AssistantGenerateOut:
    """A whole assistant drafted from the user's text."""
    categories = {c.id: c.name for c in await marketplace_repository.categories(session)}
    offered = writing.toolkit_names(available_toolkits) if body.include_tools else {}
    system = (
        DRAFT_PROMPT
        + f"\nCategories: {json.dumps(categories)}"
        + (
            f"\nAvailable toolkits: {json.dumps({k: sorted(v) for k, v in offered.items()})}"
            if offered
            else '\nNo toolkits are available: answer "toolkits": [].'
        )
    )
    text, _, _ = await writing.ask(
        session, principal, gateway, body.llm_model, system, body.text, "Failed to generate assistant", SOURCE
    )
    found = writing.json_object(text)
    starters = [str(s).strip() for s in found.get("conversation_starters") or [] if str(s).strip()]
    return AssistantGenerateOut(
        name=(str(found.get("name") or "").strip() or body.text.strip())[:200],
        description=(str(found.get("description") or "").strip() or body.text.strip())[:4000],
        categories=[c for c in dict.fromkeys(_strings(found.get("categories"))) if c in categories][:MAX_CATEGORIES],
        conversation_starters=starters[:MAX_STARTERS],
        system_prompt=str(found.get("system_prompt") or "").strip() or writing.strip_fence(text),
        toolkits=writing.known_toolkits(found.get("toolkits"), offered),
    )


async def prompt(
    session: AsyncSession, principal: Principal, gateway: LLMGateway, body: PromptGenerateRequest
) -> PromptGenerateOut:
    """A system prompt from the user's description, or theirs improved."""
    parts = [f"What the assistant should do:\n{body.text}"] if body.text and body.text.strip() else []
    if body.system_prompt and body.system_prompt.strip():
        parts.append(f"The system prompt to improve:\n{body.system_prompt}")
    if not parts:
        raise Unprocessable(
            "Describe the assistant in 'text', or give a 'system_prompt' to improve", details={"field": "text"}
        )
    text, _, _ = await writing.ask(
        session,
        principal,
        gateway,
        body.llm_model,
        PROMPT_PROMPT,
        "\n\n".join(parts),
        "Failed to generate prompt",
        SOURCE,
    )
    return PromptGenerateOut(system_prompt=writing.strip_fence(text))


async def refine(
    session: AsyncSession,
    principal: Principal,
    gateway: LLMGateway,
    body: AssistantRefineRequest,
    available_toolkits: list[dict[str, Any]],
) -> RefineOut:
    """The model's recommendations for an assistant draft, per field, toolkit and datasource."""
    exclude = {"refine_prompt", "llm_model", "include_tools", "include_context", "include_categories", "project"}
    if not body.include_tools:
        exclude.add("toolkits")
    if not body.include_context:
        exclude.add("context")
    if not body.include_categories:
        exclude.add("categories")
    draft_fields = body.model_dump(exclude=exclude, exclude_none=True)
    if not draft_fields:
        raise Unprocessable(
            "Give the assistant to refine: at least its name, description or system prompt",
            details={"field": "system_prompt"},
        )
    user = f"Assistant:\n{json.dumps(draft_fields, ensure_ascii=False)}"
    if body.refine_prompt:
        user += f"\n\nThe user's wishes:\n{body.refine_prompt}"
    offered = writing.toolkit_names(available_toolkits) if body.include_tools else {}
    system = REFINE_PROMPT + f"\nAvailable toolkits: {json.dumps({k: sorted(v) for k, v in offered.items()})}"
    text, _, _ = await writing.ask(
        session, principal, gateway, body.llm_model, system, user, "Failed to refine assistant", SOURCE
    )
    found = writing.json_object(text)
    if not found:  # prose: one recommendation carrying it, as an improved system prompt
        advice = writing.strip_fence(text)
        recommendation = {"name": "system_prompt", "action": "change", "recommended": advice, "severity": "optional"}
        return RefineOut(fields=[FieldRecommendation.model_validate(recommendation)])
    named_context = {c.name for c in body.context or []} if body.include_context else set()
    return RefineOut(
        fields=writing.valid_items(FieldRecommendation, found.get("fields")),
        toolkits=[t for t in writing.valid_items(ToolkitRecommendation, found.get("toolkits")) if t.toolkit in offered],
        context=[
            c for c in writing.valid_items(ContextRecommendation, found.get("context")) if c.name in named_context
        ],
    )


def _strings(value: Any) -> list[str]:
    return [str(v).strip() for v in value] if isinstance(value, list) else []
