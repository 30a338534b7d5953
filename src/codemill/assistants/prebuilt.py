"""Prebuilt assistant templates, shipped as YAML in assistants/prebuilt/, and assistants made from them."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import service
from codemill.assistants.schemas import AssistantRequest, PrebuiltCreate, PromptVariable, ToolKitDetails
from codemill.assistants.templates import check_template
from codemill.auth.principal import Principal
from codemill.errors import NotFound
from codemill.llm.catalogue import Catalogue
from codemill.models import Assistant


class PrebuiltTemplate(BaseModel):
    """One template file."""

    model_config = ConfigDict(extra="forbid")

    slug: str
    name: str
    description: str
    system_prompt: str
    icon_url: str | None = None
    categories: list[str] = Field(default_factory=list, max_length=3)
    conversation_starters: list[str] = Field(default_factory=list)
    prompt_variables: list[PromptVariable] = Field(default_factory=list)
    toolkits: list[ToolKitDetails] = Field(default_factory=list)
    temperature: float | None = None
    top_p: float | None = None


@cache
def templates() -> tuple[PrebuiltTemplate, ...]:
    """Every shipped template, by file name (loaded once; a broken file is a packaging bug and fails loudly)."""
    folder = resources.files("codemill.assistants").joinpath("prebuilt")
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            template = PrebuiltTemplate.model_validate(yaml.safe_load(entry.read_text("utf-8")))
        except (yaml.YAMLError, ValidationError) as exc:
            raise RuntimeError(f"prebuilt assistant template {entry.name} is invalid: {exc}") from exc
        check_template(template.system_prompt)
        found.append(template)
    return tuple(found)


def by_slug(slug: str) -> PrebuiltTemplate:
    """One template, or 404."""
    for template in templates():
        if template.slug == slug:
            return template
    raise NotFound(
        "Prebuilt assistant not found",
        details=f"No prebuilt assistant found with the slug '{slug}'.",
        help="Please check the assistant slug and ensure it is correct.",
    )


async def create_from(
    session: AsyncSession, principal: Principal, catalogue: Catalogue, slug: str, body: PrebuiltCreate
) -> Assistant:
    """A new assistant copied from a template, in the caller's project (or the one named)."""
    template = by_slug(slug)
    request = AssistantRequest(
        name=body.name or template.name.removeprefix("[Template] "),
        description=template.description,
        system_prompt=template.system_prompt,
        project=body.project,
        llm_model_type=body.llm_model_type,
        icon_url=template.icon_url,
        toolkits=template.toolkits,
        conversation_starters=template.conversation_starters,
        shared=body.shared,
        categories=template.categories,
        slug=body.slug,
        temperature=template.temperature,
        top_p=template.top_p,
        prompt_variables=template.prompt_variables,
    )
    return await service.create(session, principal, catalogue, request)
