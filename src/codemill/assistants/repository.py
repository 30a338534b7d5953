"""SQL for assistants and their versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, literal, or_, select, true
from sqlalchemy.dialects.postgresql import JSONPATH
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants.filters import ListFilters
from codemill.models import Assistant, AssistantVersion, User

_COMPARE = {
    ">=": lambda col, v: col >= v,
    "<=": lambda col, v: col <= v,
    ">": lambda col, v: col > v,
    "<": lambda col, v: col < v,
    "==": lambda col, v: col == v,
    "!=": lambda col, v: col != v,
}
# A toolkit "uses" an integration type when the toolkit is named after it or any of its settings have it.
_INTEGRATION_PATH = (
    "$[*] ? (@.toolkit == $t || @.settings.credential_type == $t || @.tools[*].settings.credential_type == $t)"
)


@dataclass(frozen=True)
class Page:
    """Which rows of a list to return, in what order."""

    page: int
    per_page: int
    sort_by: str | None = None
    descending: bool = True


def _storable(text: str) -> bool:
    # PostgreSQL text cannot hold NUL; such a key matches nothing (and must not reach the driver).
    return "\x00" not in text


async def get(session: AsyncSession, assistant_id: str) -> Assistant | None:
    """An assistant by id."""
    return await session.get(Assistant, assistant_id) if _storable(assistant_id) else None


async def get_for_update(session: AsyncSession, assistant_id: str) -> Assistant | None:
    """An assistant by id, its row locked until the transaction ends (changes are serialised)."""
    if not _storable(assistant_id):
        return None
    return await session.get(Assistant, assistant_id, with_for_update=True)


async def get_by_slug(session: AsyncSession, slug: str) -> Assistant | None:
    """An assistant by slug."""
    if not _storable(slug):
        return None
    result = await session.execute(select(Assistant).where(Assistant.slug == slug))
    return result.scalar_one_or_none()


async def slug_taken(session: AsyncSession, slug: str, exclude_id: str | None = None) -> bool:
    """Whether another assistant already has this slug."""
    query = select(func.count()).select_from(Assistant).where(Assistant.slug == slug)
    if exclude_id is not None:
        query = query.where(Assistant.id != exclude_id)
    return int((await session.execute(query)).scalar_one()) > 0


async def get_many(session: AsyncSession, ids: Sequence[str]) -> list[Assistant]:
    """The assistants with these ids that exist."""
    wanted = [i for i in ids if _storable(i)]
    if not wanted:
        return []
    result = await session.execute(select(Assistant).where(Assistant.id.in_(wanted)))
    return list(result.scalars())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filter_conditions(filters: ListFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.project:
        conditions.append(Assistant.project.in_(filters.project))
    if filters.created_by is not None:
        who = filters.created_by
        creators = select(User.id).where(or_(User.name == who, User.username == who, User.id == who))
        conditions.append(Assistant.created_by.in_(creators))
    if filters.search:
        pattern = f"%{_escape_like(filters.search)}%"
        conditions.append(
            or_(
                Assistant.name.ilike(pattern, escape="\\"),
                Assistant.description.ilike(pattern, escape="\\"),
                Assistant.id.ilike(pattern, escape="\\"),
            )
        )
    if filters.shared is not None:
        conditions.append(Assistant.shared.is_(filters.shared))
    if filters.is_global is not None:
        conditions.append(Assistant.is_global.is_(filters.is_global))
    if filters.ids:
        conditions.append(Assistant.id.in_(filters.ids))
    if filters.slugs:
        conditions.append(Assistant.slug.in_(filters.slugs))
    if filters.categories:
        conditions.append(or_(*(Assistant.categories.contains([c]) for c in filters.categories)))
    for op, instant in filters.created_date:
        conditions.append(_COMPARE[op](Assistant.created_at, instant))
    if filters.integration_types:
        conditions.append(
            or_(
                *(
                    func.jsonb_path_exists(
                        Assistant.toolkits,
                        cast(literal(_INTEGRATION_PATH, String), JSONPATH),
                        func.jsonb_build_object(literal("t", String), literal(t, String)),
                    )
                    for t in filters.integration_types
                )
            )
        )
    return conditions


def _ordered(query: Select[Any], page: Page, search: str | None) -> Select[Any]:
    if page.sort_by == "name":
        column = Assistant.name.desc() if page.descending else Assistant.name.asc()
        return query.order_by(column, Assistant.id)
    if search and page.sort_by is None:
        # Name matches before description-only matches, as CodeMie orders searches.
        name_first = Assistant.name.ilike(f"%{_escape_like(search)}%", escape="\\").desc()
        return query.order_by(name_first, Assistant.updated_at.desc(), Assistant.id)
    # usage/likes/dislikes are not counted yet: they fall back to the default, most recently updated first.
    return query.order_by(Assistant.updated_at.desc(), Assistant.id)


async def list_page(
    session: AsyncSession, scope: ColumnElement[bool] | None, filters: ListFilters, page: Page
) -> tuple[list[Assistant], int]:
    """A page of the assistants matching `scope` and `filters`, and how many match in all."""
    conditions = [scope if scope is not None else true(), *_filter_conditions(filters)]
    query = select(Assistant).where(and_(*conditions))
    total = int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
    query = _ordered(query, page, filters.search).offset(page.page * page.per_page).limit(page.per_page)
    return list((await session.execute(query)).scalars()), total


async def users_by_id(session: AsyncSession, ids: Sequence[str | None]) -> dict[str, User]:
    """The users with these ids, by id."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    result = await session.execute(select(User).where(User.id.in_(wanted)))
    return {user.id: user for user in result.scalars()}


def add_version(
    session: AsyncSession,
    assistant: Assistant,
    number: int,
    config: dict[str, Any],
    created_by: str | None,
    change_notes: str | None,
) -> AssistantVersion:
    """Record a new version (flushed with the session)."""
    version = AssistantVersion(
        assistant_id=assistant.id,
        version_number=number,
        config=config,
        created_by=created_by,
        change_notes=change_notes,
    )
    session.add(version)
    return version


async def get_version(session: AsyncSession, assistant_id: str, number: int) -> AssistantVersion | None:
    """One version of an assistant."""
    result = await session.execute(
        select(AssistantVersion).where(
            AssistantVersion.assistant_id == assistant_id, AssistantVersion.version_number == number
        )
    )
    return result.scalar_one_or_none()


async def list_versions(
    session: AsyncSession, assistant_id: str, page: int, per_page: int
) -> tuple[list[AssistantVersion], int]:
    """A page of an assistant's versions, newest first, and how many there are."""
    base = select(AssistantVersion).where(AssistantVersion.assistant_id == assistant_id)
    total = int((await session.execute(select(func.count()).select_from(base.subquery()))).scalar_one())
    rows = await session.execute(
        base.order_by(AssistantVersion.version_number.desc()).offset(page * per_page).limit(per_page)
    )
    return list(rows.scalars()), total


async def latest_version_number(session: AsyncSession, assistant_id: str) -> int:
    """The highest version number recorded (0 when none)."""
    query = select(func.max(AssistantVersion.version_number)).where(AssistantVersion.assistant_id == assistant_id)
    return int((await session.execute(query)).scalar_one() or 0)


# Rows whose configuration may hold secrets (a sensitive prompt variable, or any MCP server): what
# `codemill admin rotate-keys` walks.
_SENSITIVE_VARIABLE = [{"is_sensitive": True}]
_ANY_SERVER: list[dict[str, Any]] = [{}]


async def ids_with_secrets(session: AsyncSession) -> list[str]:
    """Ids of the assistants whose configuration may hold secrets."""
    query = select(Assistant.id).where(
        or_(Assistant.prompt_variables.contains(_SENSITIVE_VARIABLE), Assistant.mcp_servers.contains(_ANY_SERVER))
    )
    return list((await session.execute(query.order_by(Assistant.id))).scalars())


async def version_ids_with_secrets(session: AsyncSession) -> list[str]:
    """Ids of the versions whose configuration may hold secrets."""
    query = select(AssistantVersion.id).where(
        or_(
            AssistantVersion.config.contains({"prompt_variables": _SENSITIVE_VARIABLE}),
            AssistantVersion.config.contains({"mcp_servers": _ANY_SERVER}),
        )
    )
    return list((await session.execute(query.order_by(AssistantVersion.id))).scalars())


async def get_version_for_update(session: AsyncSession, version_id: str) -> AssistantVersion | None:
    """A version by id, its row locked until the transaction ends."""
    return await session.get(AssistantVersion, version_id, with_for_update=True)
