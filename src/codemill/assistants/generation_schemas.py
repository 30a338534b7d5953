"""API models of the assistants' AI helpers (generate, prompt, refine), with CodeMie's field names; the
recommendation models are shared with the skills' refine."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AssistantGenerateRequest(BaseModel):
    """POST /v1/assistants/generate: an assistant from a sentence or two."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(min_length=1, max_length=10_000)
    include_tools: bool = True
    llm_model: str | None = Field(default=None, max_length=200)


class AssistantGenerateOut(BaseModel):
    """An assistant draft."""

    name: str
    description: str
    categories: list[str] = Field(default_factory=list)
    conversation_starters: list[str] = Field(default_factory=list)
    system_prompt: str
    toolkits: list[dict[str, Any]] = Field(default_factory=list)


class PromptGenerateRequest(BaseModel):
    """POST /v1/assistants/prompt/generate: a system prompt from a description, or the given one improved."""

    model_config = ConfigDict(extra="ignore")

    text: str | None = Field(default=None, max_length=10_000)
    system_prompt: str | None = Field(default=None, max_length=100_000)
    llm_model: str | None = Field(default=None, max_length=200)


class PromptGenerateOut(BaseModel):
    """The system prompt written."""

    system_prompt: str


class AssistantContextRef(BaseModel):
    """A datasource the draft uses."""

    name: str = Field(max_length=200)
    context_type: str = Field(max_length=100)


class AssistantRefineRequest(BaseModel):
    """POST /v1/assistants/refine: the assistant as drafted, and optionally what the user wants improved."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    conversation_starters: list[str] | None = Field(default=None, max_length=20)
    system_prompt: str | None = Field(default=None, max_length=100_000)
    toolkits: list[dict[str, Any]] | None = Field(default=None, max_length=50)
    context: list[AssistantContextRef] | None = Field(default=None, max_length=50)
    categories: list[str] | None = Field(default=None, max_length=10)
    refine_prompt: str | None = Field(default=None, max_length=10_000)
    llm_model: str | None = Field(default=None, max_length=200)
    include_tools: bool = True
    include_context: bool = True
    include_categories: bool = True
    project: str | None = Field(default=None, max_length=320)


class RecommendationAction(StrEnum):
    """What to do with a field, toolkit or tool."""

    CHANGE = "change"
    DELETE = "delete"
    KEEP = "keep"


class RecommendationSeverity(StrEnum):
    """How much a recommendation matters (informational)."""

    CRITICAL = "critical"
    OPTIONAL = "optional"


class FieldRecommendation(BaseModel):
    """A recommendation for one field of the assistant or skill."""

    name: str
    action: RecommendationAction
    recommended: str | list[str] | None = None
    reason: str | None = None
    severity: RecommendationSeverity = RecommendationSeverity.CRITICAL


class ToolRecommendation(BaseModel):
    """A recommendation for one tool of a toolkit."""

    name: str
    action: RecommendationAction
    reason: str | None = None
    severity: RecommendationSeverity = RecommendationSeverity.CRITICAL


class ToolkitRecommendation(BaseModel):
    """Recommendations for the tools of one toolkit."""

    toolkit: str
    tools: list[ToolRecommendation] = Field(default_factory=list)


class ContextRecommendation(BaseModel):
    """A recommendation for one datasource the assistant uses (skills have none)."""

    name: str
    action: RecommendationAction
    reason: str | None = None
    severity: RecommendationSeverity = RecommendationSeverity.CRITICAL


class RefineOut(BaseModel):
    """The model's recommendations, per field and per toolkit."""

    fields: list[FieldRecommendation] = Field(default_factory=list)
    toolkits: list[ToolkitRecommendation] = Field(default_factory=list)
    context: list[ContextRecommendation] = Field(default_factory=list)
