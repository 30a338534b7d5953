"""/v1/assistants/generate, /prompt/generate and /refine: assistants written with the configured model (HTTP
only; registered before the assistants router)."""

from __future__ import annotations

from fastapi import APIRouter

from codemill.assistants import generation
from codemill.assistants.generation_schemas import (
    AssistantGenerateOut,
    AssistantGenerateRequest,
    AssistantRefineRequest,
    PromptGenerateOut,
    PromptGenerateRequest,
    RefineOut,
)
from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Session
from codemill.llm.dependencies import AppLLM
from codemill.toolkits import catalogue as toolkit_catalogue

router = APIRouter(prefix="/v1/assistants", tags=["assistants"])


@router.post("/generate", response_model=AssistantGenerateOut)
async def generate_assistant(
    body: AssistantGenerateRequest, session: Session, principal: CurrentPrincipal, llm: AppLLM, settings: AppSettings
) -> AssistantGenerateOut:
    """A draft (name, description, categories, conversation starters, system prompt, toolkits) from the text."""
    available = toolkit_catalogue.all_toolkits(settings)
    return await generation.draft(session, principal, llm, body, available)


@router.post("/prompt/generate", response_model=PromptGenerateOut)
async def generate_prompt(
    body: PromptGenerateRequest, session: Session, principal: CurrentPrincipal, llm: AppLLM
) -> PromptGenerateOut:
    """A system prompt from a description, or the given one improved."""
    return await generation.prompt(session, principal, llm, body)


@router.post("/refine", response_model=RefineOut)
async def refine_assistant(
    body: AssistantRefineRequest, session: Session, principal: CurrentPrincipal, llm: AppLLM, settings: AppSettings
) -> RefineOut:
    """The model's recommendations on a draft, per field, toolkit and datasource."""
    available = toolkit_catalogue.all_toolkits(settings)
    return await generation.refine(session, principal, llm, body, available)
