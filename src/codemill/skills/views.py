"""Skills as the CodeMie SDK reads them (SkillListResponse, SkillDetailResponse)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import Skill, User
from codemill.skills import repository


def _creator(user: User | None) -> dict[str, str] | None:
    if user is None:
        return None
    return {"user_id": user.id, "username": user.username or user.email, "name": user.name or user.email}


def _item(skill: Skill, creator: User | None, likes: int, assistants: int, attached: set[str] | None) -> dict[str, Any]:
    return {
        "id": skill.id,
        "name": skill.name,
        "description": skill.description,
        "project": skill.project,
        "display_name": skill.display_name,
        "visibility": skill.visibility,
        "categories": list(skill.categories or []),
        "createdDate": skill.created_at,
        "updatedDate": skill.updated_at,
        "enabled_builtin_subagents": list(skill.enabled_builtin_subagents or []),
        "mcp_servers": list(skill.mcp_servers or []),
        "created_by": _creator(creator),
        "is_attached": None if attached is None else skill.id in attached,
        "reactionsCount": likes,
        "assistantsCount": assistants,
    }


async def list_items(session: AsyncSession, skills: Sequence[Skill], attached: set[str] | None) -> list[dict[str, Any]]:
    """List entries, with their counts and creators (three queries for the page)."""
    ids = [s.id for s in skills]
    likes = await repository.like_counts(session, ids)
    used = await repository.assistant_counts(session, ids)
    people = await repository.users(session, [s.created_by for s in skills if s.created_by])
    return [_item(s, people.get(s.created_by or ""), likes.get(s.id, 0), used.get(s.id, 0), attached) for s in skills]


def file_meta(entry: dict[str, Any]) -> dict[str, Any]:
    """A companion file's metadata."""
    return {
        "path": entry["path"],
        "mime_type": entry.get("mime_type", "text/plain"),
        "encoding": entry.get("encoding", "text"),
        "size_bytes": entry.get("size_bytes", 0),
    }


async def detail(session: AsyncSession, skill: Skill) -> dict[str, Any]:
    """The whole skill."""
    (item,) = await list_items(session, [skill], None)
    return item | {
        "content": skill.content,
        "slug": skill.slug,
        "companion_files": [file_meta(f) for f in skill.companion_files or []],
    }
