"""Skill rules: who sees and changes a skill, its files, attaching it to assistants, the marketplace.

Takes a session, never commits.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import builtin_subagents
from codemill.assistants import service as assistants
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, CodemillError, Conflict, PayloadTooLarge, not_found
from codemill.models import Assistant, Skill, SkillReaction, SkillVisibility
from codemill.skills import repository, views
from codemill.skills.schemas import (
    MAX_BUNDLE_BYTES,
    MAX_FILE_BYTES,
    BulkAttachFailure,
    CompanionFile,
    SkillCreate,
    SkillUpdate,
)

SLUG_UNSAFE = re.compile(r"[^a-z0-9-]+")


async def get_visible(session: AsyncSession, principal: Principal, skill_id: str) -> Skill:
    """A skill the caller may read (CodeMie's 404 otherwise)."""
    return policy.ensure_skill_visible(principal, await repository.get(session, skill_id), skill_id)


async def get_editable(session: AsyncSession, principal: Principal, skill_id: str, action: str) -> Skill:
    """A skill the caller may change: 404 when hidden, 403 for readers."""
    return policy.ensure_skill_editable(principal, await repository.get(session, skill_id), skill_id, action)


def _files_json(files: Sequence[CompanionFile]) -> list[dict[str, Any]]:
    """Companion files as stored, with their sizes; limits per file and per bundle; paths unique."""
    stored: dict[str, dict[str, Any]] = {}
    total = 0
    for file in files:
        try:
            size = len(base64.b64decode(file.content, validate=True)) if file.encoding == "base64" else None
        except ValueError as exc:
            raise BadRequest("Companion file is not valid base64", details={"path": file.path}) from exc
        size = len(file.content.encode()) if size is None else size
        if size > MAX_FILE_BYTES:
            raise PayloadTooLarge("Companion file too large", details={"path": file.path, "max_bytes": MAX_FILE_BYTES})
        total += size
        stored[file.path] = file.model_dump() | {"size_bytes": size}
    if total > MAX_BUNDLE_BYTES:
        raise PayloadTooLarge("Skill files too large", details={"max_total_bytes": MAX_BUNDLE_BYTES})
    return list(stored.values())


def _slug(project: str, name: str) -> str:
    return SLUG_UNSAFE.sub("-", f"{project.split('@')[0].lower()}-{name}").strip("-")[:200]


async def _unique_name(session: AsyncSession, project: str, user_id: str, name: str, except_id: str | None) -> None:
    if await repository.name_taken(session, project, user_id, name, except_id):
        raise Conflict(
            "Skill name already exists",
            details=f"You already have a skill named '{name}' in project '{project}'.",
            help="Choose another name (names are unique per user and project, case-insensitively).",
        )


def _visibility(principal: Principal, visibility: SkillVisibility) -> SkillVisibility:
    """Public skills are marketplace skills: they are published, not created."""
    if visibility is SkillVisibility.PUBLIC and not policy.is_platform_admin(principal):
        return SkillVisibility.PROJECT
    return visibility


async def create(session: AsyncSession, principal: Principal, body: SkillCreate) -> Skill:
    """A new skill in a project the caller belongs to."""
    policy.ensure_project_visible(principal, body.project)
    await _unique_name(session, body.project, principal.user_id, body.name, None)
    skill = Skill(
        name=body.name,
        slug=_slug(body.project, body.name),
        description=body.description,
        content=body.content,
        project=body.project,
        created_by=principal.user_id,
        visibility=_visibility(principal, body.visibility or SkillVisibility.PROJECT),
        categories=[c.value for c in body.categories or []],
        enabled_builtin_subagents=builtin_subagents.checked(body.enabled_builtin_subagents),
        mcp_servers=list(body.mcp_servers or []),
        companion_files=_files_json(body.companion_files or []),
    )
    session.add(skill)
    await session.flush()
    return skill


async def update(session: AsyncSession, principal: Principal, skill_id: str, body: SkillUpdate) -> Skill:
    """Change the fields present (the creator and platform admins)."""
    skill = await get_editable(session, principal, skill_id, "update")
    given = body.model_fields_set
    if body.project and body.project != skill.project:
        policy.ensure_project_visible(principal, body.project)
        skill.project = body.project
    if body.name is not None:
        skill.name = body.name
    if body.name is not None or "project" in given:
        await _unique_name(session, skill.project, skill.created_by or principal.user_id, skill.name, skill.id)
        skill.slug = _slug(skill.project, skill.name)
    for field in ("description", "content"):
        if getattr(body, field) is not None:
            setattr(skill, field, getattr(body, field))
    if body.visibility is not None:
        skill.visibility = _visibility(principal, body.visibility)
    if body.categories is not None:
        skill.categories = [c.value for c in body.categories]
    if body.enabled_builtin_subagents is not None:
        skill.enabled_builtin_subagents = builtin_subagents.checked(body.enabled_builtin_subagents)
    if body.mcp_servers is not None:
        skill.mcp_servers = list(body.mcp_servers)
    if body.companion_files is not None:
        skill.companion_files = _files_json(body.companion_files)
    skill.updated_at = datetime.now(UTC)
    await session.flush()
    return skill


async def delete(session: AsyncSession, principal: Principal, skill_id: str) -> None:
    """Remove a skill (it leaves every assistant it was attached to)."""
    await session.delete(await get_editable(session, principal, skill_id, "delete"))
    await session.flush()


# Listing


def _filters(principal: Principal, raw: str | None) -> tuple[list[ColumnElement[bool]], bool]:
    """CodeMie's JSON `filters` as SQL conditions, and whether the view is the marketplace."""
    try:
        parsed = json.loads(raw) if raw else {}
    except json.JSONDecodeError as exc:
        raise BadRequest(
            "Invalid filters",
            details="Filters must be a valid encoded JSON object.",
            help="Please check the filters and ensure they are in the correct format.",
        ) from exc
    if not isinstance(parsed, dict):
        raise BadRequest("Invalid filters", details="Filters must be a valid encoded JSON object.")
    conditions: list[ColumnElement[bool]] = []
    scope = parsed.get("scope")
    visibility = parsed.get("visibility")
    projects = parsed.get("project")
    project_list = [p for p in projects if isinstance(p, str)] if isinstance(projects, list) else []
    if isinstance(projects, str):
        project_list = [projects]
    if scope == "marketplace":
        visibility = SkillVisibility.PUBLIC.value
    elif scope == "project":
        conditions.append(Skill.visibility != SkillVisibility.PUBLIC)
    elif scope == "project_with_marketplace":
        if not project_list:
            raise BadRequest(
                "Invalid scope configuration",
                details="The 'project_with_marketplace' scope requires a 'project' filter to be specified",
                help="Add a 'project' filter with at least one project name",
            )
        conditions.append((Skill.project.in_(project_list)) | (Skill.visibility == SkillVisibility.PUBLIC))
        project_list = []
    elif isinstance(scope, str) and scope in principal.projects:
        conditions.append(Skill.visibility != SkillVisibility.PUBLIC)
        project_list = project_list or [scope]
    if project_list:
        conditions.append(Skill.project.in_(project_list))
    if visibility:
        if visibility not in {v.value for v in SkillVisibility}:
            raise BadRequest(
                "Invalid visibility value",
                details=f"Visibility must be one of: {', '.join(v.value for v in SkillVisibility)}",
                help="Check the visibility filter value",
            )
        conditions.append(Skill.visibility == visibility)
    categories = parsed.get("categories")
    if categories:
        if not isinstance(categories, list):
            raise BadRequest("Invalid categories format", details="Categories must be an array of strings")
        conditions.append(Skill.categories.op("?|")(list(map(str, categories))))
    if isinstance(parsed.get("search"), str) and parsed["search"]:
        conditions.append(repository.search_condition(parsed["search"]))
    if isinstance(parsed.get("created_by"), str) and parsed["created_by"]:
        conditions.append(repository.creator_condition(parsed["created_by"]))
    return conditions, visibility == SkillVisibility.PUBLIC.value


async def list_page(
    session: AsyncSession,
    principal: Principal,
    raw_filters: str | None,
    assistant_id: str | None,
    page: int,
    per_page: int,
) -> dict[str, Any]:
    """One page of the skills the caller sees; `assistant_id` marks the ones attached to that assistant."""
    conditions, marketplace = _filters(principal, raw_filters)
    rows, total = await repository.page(
        session,
        policy.visible_skills_clause(principal),
        conditions,
        by_assistants=marketplace,
        offset=page * per_page,
        limit=per_page,
    )
    attached: set[str] | None = None
    if assistant_id:
        attached = await repository.attached_skill_ids(
            session, (await assistants.get_visible(session, principal, assistant_id)).id
        )
    items = await views.list_items(session, rows, attached)
    return {"skills": items, "page": page, "perPage": per_page, "total": total, "pages": math.ceil(total / per_page)}


# Assistants


async def attach(session: AsyncSession, principal: Principal, assistant_id: str, skill_id: str) -> None:
    """Attach a skill the caller reads to an assistant the caller may change."""
    assistant = await assistants.get_editable(session, principal, assistant_id)
    skill = await get_visible(session, principal, skill_id)
    await repository.attach(session, assistant.id, skill.id)


async def detach(session: AsyncSession, principal: Principal, assistant_id: str, skill_id: str) -> None:
    """Detach a skill from an assistant the caller may change (404 when it was not attached)."""
    assistant = await assistants.get_editable(session, principal, assistant_id)
    if not await repository.detach(session, assistant.id, skill_id):
        raise not_found("Skill", skill_id)


async def bulk_attach(
    session: AsyncSession, principal: Principal, skill_id: str, assistant_ids: list[str]
) -> list[BulkAttachFailure]:
    """Attach to each assistant the caller may change; the others are reported, not fatal."""
    skill = await get_visible(session, principal, skill_id)
    failures: list[BulkAttachFailure] = []
    for assistant_id in dict.fromkeys(assistant_ids):
        try:
            assistant = await assistants.get_editable(session, principal, assistant_id)
        except CodemillError as refused:
            failures.append(BulkAttachFailure(assistant_id=assistant_id, error=refused.message))
            continue
        await repository.attach(session, assistant.id, skill.id)
    return failures


async def skills_of(session: AsyncSession, principal: Principal, assistant_id: str) -> list[dict[str, Any]]:
    """The skills attached to an assistant the caller sees (only those the caller may read)."""
    assistant = await assistants.get_visible(session, principal, assistant_id)
    skills = [s for s in await repository.skills_of(session, assistant.id) if policy.can_view_skill(principal, s)]
    return await views.list_items(session, skills, {s.id for s in skills})


async def assistants_of(session: AsyncSession, principal: Principal, skill_id: str) -> list[Assistant]:
    """The assistants using a skill, those the caller sees."""
    skill = await get_visible(session, principal, skill_id)
    return [a for a in await repository.assistants_of(session, skill.id) if policy.can_view_assistant(principal, a)]


# Marketplace and reactions


async def publish(session: AsyncSession, principal: Principal, skill_id: str, categories: list[str] | None) -> None:
    """Make a skill public (the creator and platform admins)."""
    skill = await get_editable(session, principal, skill_id, "publish")
    skill.visibility = SkillVisibility.PUBLIC
    if categories:
        skill.categories = categories
    await session.flush()


async def unpublish(session: AsyncSession, principal: Principal, skill_id: str) -> None:
    """Back to its project."""
    skill = await get_editable(session, principal, skill_id, "unpublish")
    skill.visibility = SkillVisibility.PROJECT
    await session.flush()


async def react(session: AsyncSession, principal: Principal, skill_id: str, reaction: str) -> SkillReaction:
    """Like or dislike (replacing the opposite reaction)."""
    skill = await get_visible(session, principal, skill_id)
    row = await repository.reaction(session, skill.id, principal.user_id)
    if row is None:
        row = SkillReaction(skill_id=skill.id, user_id=principal.user_id)
        session.add(row)
    row.reaction = reaction
    row.created_at = datetime.now(UTC)
    await session.flush()
    return row


async def unreact(session: AsyncSession, principal: Principal, skill_id: str) -> str:
    """Forget the caller's reaction."""
    skill = await get_visible(session, principal, skill_id)
    await repository.remove_reaction(session, skill.id, principal.user_id)
    return skill.id


async def creators(session: AsyncSession, principal: Principal) -> list[dict[str, str]]:
    """Who made the skills the caller sees."""
    people = await repository.creators(session, policy.visible_skills_clause(principal))
    return [{"user_id": u.id, "username": u.username or u.email, "name": u.name or u.email} for u in people]


def companion_file(skill: Skill, path: str) -> dict[str, Any]:
    """One companion file with its content (404 for an unknown path)."""
    for entry in skill.companion_files or []:
        if entry["path"] == path:
            return entry
    raise not_found("Companion file", path)
