"""API models of the skills' AI generation routes, with CodeMie's field names."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from codemill.assistants.generation_schemas import (
    ContextRecommendation,
    FieldRecommendation,
    RefineOut,
    ToolkitRecommendation,
    ToolRecommendation,
)
from codemill.skills.schemas import MAX_CONTENT

__all__ = [
    "ContextRecommendation",
    "FieldRecommendation",
    "InstructionsGenerateOut",
    "InstructionsGenerateRequest",
    "RefineOut",
    "SkillGenerateOut",
    "SkillGenerateRequest",
    "SkillRefineRequest",
    "ToolRecommendation",
    "ToolkitRecommendation",
]


class InstructionsGenerateRequest(BaseModel):
    """POST /v1/skills/instructions/generate: new instructions from a description, or `existing_instructions`
    refined."""

    model_config = ConfigDict(extra="ignore")

    description: str | None = Field(default=None, max_length=10_000)
    existing_instructions: str | None = Field(default=None, max_length=MAX_CONTENT)
    skill_name: str | None = Field(default=None, max_length=64)
    llm_model: str | None = Field(default=None, max_length=200)


class InstructionsGenerateOut(BaseModel):
    """The generated instructions and how they were made (model, tokens)."""

    instructions: str
    metadata: dict[str, Any] = Field(default_factory=dict)


class SkillGenerateRequest(BaseModel):
    """POST /v1/skills/generate: a whole skill from a sentence or two."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(min_length=1, max_length=10_000)
    include_tools: bool = True
    llm_model: str | None = Field(default=None, max_length=200)


class SkillGenerateOut(BaseModel):
    """A skill draft: kebab-case name, description, instructions, up to three categories, toolkits."""

    name: str
    description: str
    instructions: str
    categories: list[str] = Field(default_factory=list)
    toolkits: list[dict[str, Any]] = Field(default_factory=list)


class SkillRefineRequest(BaseModel):
    """POST /v1/skills/refine: the skill as it stands, and optionally what the user wants improved."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=1024)
    instructions: str | None = Field(default=None, max_length=MAX_CONTENT)
    categories: list[str] | None = Field(default=None, max_length=10)
    toolkits: list[dict[str, Any]] | None = Field(default=None, max_length=50)
    refine_prompt: str | None = Field(default=None, max_length=10_000)
    llm_model: str | None = Field(default=None, max_length=200)
