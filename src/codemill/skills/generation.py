"""Skills written with AI: instructions from a description, a whole skill draft, recommendations on a skill.

Each is one call of the configured model through `assistants.writing` (an LLM integration of the caller's
current project or their own is used when there is one, as in chat), recorded in the usage log with the source
"skills". A model that answers in prose where JSON was asked still gives a usable result: its text becomes the
instructions.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import writing
from codemill.auth.principal import Principal
from codemill.errors import Unprocessable
from codemill.llm.gateway import LLMGateway
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

SOURCE = "skills"  # the usage log's source of these calls
MAX_CATEGORIES = 3

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
    text, model, usage = await writing.ask(
        session,
        principal,
        gateway,
        body.llm_model,
        system,
        "\n\n".join(parts),
        "Failed to generate instructions",
        SOURCE,
    )
    return InstructionsGenerateOut(
        instructions=writing.strip_fence(text)[:MAX_CONTENT],
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
    offered = writing.toolkit_names(available_toolkits) if body.include_tools else {}
    prompt = GENERATE_PROMPT + (
        f"\nAvailable toolkits: {json.dumps({k: sorted(v) for k, v in offered.items()})}"
        if offered
        else '\nNo toolkits are available: answer "toolkits": [].'
    )
    text, _, _ = await writing.ask(
        session, principal, gateway, body.llm_model, prompt, body.text, "Failed to generate skill", SOURCE
    )
    found = writing.json_object(text)
    instructions_text = str(found.get("instructions") or "").strip() or writing.strip_fence(text)
    return SkillGenerateOut(
        name=kebab(str(found.get("name") or "")) or kebab(body.text),
        description=(str(found.get("description") or "").strip() or body.text.strip())[:1000],
        instructions=instructions_text[:MAX_CONTENT],
        categories=_categories(found.get("categories")),
        toolkits=writing.known_toolkits(found.get("toolkits"), offered),
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
    offered = writing.toolkit_names(available_toolkits)
    system = REFINE_PROMPT + f"\nAvailable toolkits: {json.dumps({k: sorted(v) for k, v in offered.items()})}"
    text, _, _ = await writing.ask(
        session, principal, gateway, body.llm_model, system, user, "Failed to refine skill", SOURCE
    )
    found = writing.json_object(text)
    if not found:  # prose: one recommendation carrying it, as improved instructions
        advice = writing.strip_fence(text)
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
        fields=writing.valid_items(FieldRecommendation, found.get("fields")),
        toolkits=[t for t in writing.valid_items(ToolkitRecommendation, found.get("toolkits")) if t.toolkit in offered],
        context=[],
    )


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
