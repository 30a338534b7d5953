"""Prebuilt workflow templates, shipped as YAML files in workflows/prebuilt/."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codemill.errors import NotFound
from codemill.workflows.schemas import WorkflowOut
from codemill.workflows.validation import WorkflowInvalid, parse

# Templates belong to no project; clients copy one into a project of theirs.
SHIPPED = datetime(2026, 12, 1, tzinfo=UTC)


class PrebuiltWorkflow(BaseModel):
    """One template file."""

    model_config = ConfigDict(extra="forbid")

    slug: str
    name: str
    description: str
    categories: list[str] = Field(default_factory=list, max_length=3)
    yaml_config: str


@cache
def templates() -> tuple[PrebuiltWorkflow, ...]:
    """Every shipped template (a broken file is a packaging bug and fails loudly)."""
    folder = resources.files("codemill.workflows").joinpath("prebuilt")
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            template = PrebuiltWorkflow.model_validate(yaml.safe_load(entry.read_text("utf-8")))
            parse(template.yaml_config)
        except (yaml.YAMLError, ValidationError, WorkflowInvalid) as exc:
            raise RuntimeError(f"prebuilt workflow {entry.name} is invalid: {exc}") from exc
        found.append(template)
    return tuple(found)


def by_slug(slug: str) -> PrebuiltWorkflow:
    """One template, or 404."""
    for template in templates():
        if template.slug == slug:
            return template
    raise NotFound("Prebuilt workflow not found", details={"slug": slug})


def out(template: PrebuiltWorkflow) -> WorkflowOut:
    """A template in the SDK's Workflow shape (its id is its slug)."""
    return WorkflowOut(
        id=template.slug,
        slug=template.slug,
        project="",
        name=template.name,
        description=template.description,
        yaml_config=template.yaml_config,
        categories=template.categories,
        date=SHIPPED,
        update_date=SHIPPED,
        display_name=template.name,
        user_abilities=["read"],
    )
