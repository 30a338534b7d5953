"""The marketplace's first entries: Codemill's prebuilt assistants, published by the platform's maintainer.

Run at start-up after the bootstrap admin exists. Each template becomes one public assistant (slug
`codemill-<template>`) in the maintainer's personal project; an entry already there (or deleted by an admin
and re-created under that slug) is left as it is, so seeding is idempotent.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import prebuilt, validation, versions
from codemill.assistants import repository as assistants
from codemill.models import Assistant, User
from codemill.models.base import new_id

SLUG_PREFIX = "codemill-"


async def seed_marketplace(session: AsyncSession, maintainer: User, project: str) -> list[str]:
    """Publish every prebuilt template not yet in the marketplace; the slugs added."""
    added: list[str] = []
    for template in prebuilt.templates():
        slug = f"{SLUG_PREFIX}{template.slug}"
        if await assistants.get_by_slug(session, slug) is not None:
            continue
        assistant = Assistant(
            id=new_id(),
            name=template.name.removeprefix("[Template] "),
            description=template.description,
            slug=slug,
            project=project,
            created_by=maintainer.id,
            icon_url=template.icon_url,
            shared=True,
            is_global=True,
            is_react=False,
            categories=list(template.categories),
            version_count=1,
            system_prompt=template.system_prompt,
            llm_model_type=None,
            temperature=template.temperature,
            top_p=template.top_p,
            context=[],
            toolkits=validation.toolkits_json(template.toolkits),
            mcp_servers=[],
            assistant_ids=[],
            prompt_variables=validation.prompt_variables_json(template.prompt_variables),
            conversation_starters=list(template.conversation_starters),
            enabled_builtin_subagents=[],
            tool_permissions=None,
        )
        session.add(assistant)
        assistants.add_version(session, assistant, 1, versions.snapshot(assistant), maintainer.id, "Marketplace seed")
        added.append(slug)
    await session.flush()
    return added
