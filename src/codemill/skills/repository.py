"""SQL for skills, their attachments to assistants, reactions and events (the only queries of this domain)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import Assistant, AssistantSkill, Skill, SkillEvent, SkillReaction, User


async def get(session: AsyncSession, skill_id: str) -> Skill | None:
    """A skill by id."""
    return await session.get(Skill, skill_id)


async def name_taken(
    session: AsyncSession, project: str, user_id: str, name: str, except_id: str | None = None
) -> bool:
    """Whether the user already has a skill of this name in the project (names compare case-insensitively)."""
    query = select(Skill.id).where(
        Skill.project == project, Skill.created_by == user_id, func.lower(Skill.name) == name.lower()
    )
    if except_id is not None:
        query = query.where(Skill.id != except_id)
    return (await session.execute(query.limit(1))).first() is not None


async def page(
    session: AsyncSession,
    visible: ColumnElement[bool],
    conditions: Sequence[ColumnElement[bool]],
    *,
    by_assistants: bool,
    offset: int,
    limit: int,
) -> tuple[Sequence[Skill], int]:
    """Visible skills matching every condition, newest first (or most attached first); one page and the total."""
    query = select(Skill).where(visible, *conditions)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    if by_assistants:
        attached = (
            select(func.count())
            .select_from(AssistantSkill)
            .where(AssistantSkill.skill_id == Skill.id)
            .scalar_subquery()
        )
        query = query.order_by(attached.desc(), Skill.created_at.desc())
    else:
        query = query.order_by(Skill.created_at.desc())
    rows = await session.execute(query.offset(offset).limit(limit))
    return rows.scalars().all(), int(total)


def search_condition(text: str) -> ColumnElement[bool]:
    """Name or display name containing the text."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(Skill.name.ilike(pattern), Skill.display_name.ilike(pattern))


def creator_condition(name: str) -> ColumnElement[bool]:
    """Skills made by a user of this name, user name or email."""
    creators = select(User.id).where(or_(User.name == name, User.username == name, User.email == name))
    return Skill.created_by.in_(creators)


async def assistant_counts(session: AsyncSession, skill_ids: Sequence[str]) -> dict[str, int]:
    """How many assistants use each skill."""
    rows = await session.execute(
        select(AssistantSkill.skill_id, func.count())
        .where(AssistantSkill.skill_id.in_(skill_ids))
        .group_by(AssistantSkill.skill_id)
    )
    return {skill_id: int(count) for skill_id, count in rows.tuples()}


async def like_counts(session: AsyncSession, skill_ids: Sequence[str]) -> dict[str, int]:
    """How many users like each skill."""
    rows = await session.execute(
        select(SkillReaction.skill_id, func.count())
        .where(SkillReaction.skill_id.in_(skill_ids), SkillReaction.reaction == "like")
        .group_by(SkillReaction.skill_id)
    )
    return {skill_id: int(count) for skill_id, count in rows.tuples()}


async def users(session: AsyncSession, user_ids: Sequence[str]) -> dict[str, User]:
    """Users by id."""
    rows = await session.execute(select(User).where(User.id.in_(user_ids)))
    return {u.id: u for u in rows.scalars().all()}


async def creators(session: AsyncSession, visible: ColumnElement[bool]) -> Sequence[User]:
    """The users who made skills the caller sees, by name."""
    made = select(Skill.created_by).where(visible, Skill.created_by.is_not(None))
    rows = await session.execute(select(User).where(User.id.in_(made)).order_by(User.name, User.email))
    return rows.scalars().all()


# Attachments


async def attached_skill_ids(session: AsyncSession, assistant_id: str) -> set[str]:
    """The ids of the skills attached to an assistant."""
    rows = await session.execute(select(AssistantSkill.skill_id).where(AssistantSkill.assistant_id == assistant_id))
    return set(rows.scalars().all())


async def skills_of(session: AsyncSession, assistant_id: str) -> Sequence[Skill]:
    """The skills attached to an assistant, by name."""
    rows = await session.execute(
        select(Skill)
        .join(AssistantSkill, AssistantSkill.skill_id == Skill.id)
        .where(AssistantSkill.assistant_id == assistant_id)
        .order_by(Skill.name)
    )
    return rows.scalars().all()


async def assistants_of(session: AsyncSession, skill_id: str) -> Sequence[Assistant]:
    """The assistants a skill is attached to, by name."""
    rows = await session.execute(
        select(Assistant)
        .join(AssistantSkill, AssistantSkill.assistant_id == Assistant.id)
        .where(AssistantSkill.skill_id == skill_id)
        .order_by(Assistant.name)
    )
    return rows.scalars().all()


async def attach(session: AsyncSession, assistant_id: str, skill_id: str) -> None:
    """Attach (nothing happens when already attached)."""
    await session.execute(
        insert(AssistantSkill)
        .values(assistant_id=assistant_id, skill_id=skill_id, created_at=func.now())
        .on_conflict_do_nothing()
    )


async def detach(session: AsyncSession, assistant_id: str, skill_id: str) -> int:
    """Detach; the number of attachments removed."""
    result = await session.execute(
        delete(AssistantSkill).where(AssistantSkill.assistant_id == assistant_id, AssistantSkill.skill_id == skill_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# Reactions


async def reaction(session: AsyncSession, skill_id: str, user_id: str) -> SkillReaction | None:
    """A user's reaction to a skill."""
    return await session.get(SkillReaction, (skill_id, user_id))


async def reactions_by(
    session: AsyncSession, user_id: str, reaction: str | None
) -> Sequence[tuple[SkillReaction, Skill]]:
    """A user's reactions to skills, with the skills."""
    query = select(SkillReaction, Skill).join(Skill, Skill.id == SkillReaction.skill_id)
    query = query.where(SkillReaction.user_id == user_id)
    if reaction is not None:
        query = query.where(SkillReaction.reaction == reaction)
    return [(r, s) for r, s in (await session.execute(query)).tuples().all()]


async def remove_reaction(session: AsyncSession, skill_id: str, user_id: str) -> None:
    """Forget a user's reaction to a skill."""
    await session.execute(
        delete(SkillReaction).where(SkillReaction.skill_id == skill_id, SkillReaction.user_id == user_id)
    )


# Events


def _event_window(user_id: str | None, since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if user_id is not None:
        conditions.append(SkillEvent.user_id == user_id)
    if since is not None:
        conditions.append(SkillEvent.created_at >= since)
    if until is not None:
        conditions.append(SkillEvent.created_at <= until)
    return conditions


async def events(
    session: AsyncSession,
    user_id: str | None,
    since: datetime | None,
    until: datetime | None,
    offset: int,
    limit: int,
) -> Sequence[SkillEvent]:
    """Logged events, newest first (one user's, or everyone's for None)."""
    rows = await session.execute(
        select(SkillEvent)
        .where(*_event_window(user_id, since, until))
        .order_by(SkillEvent.created_at.desc())
        .offset(offset)
        .limit(limit)
    )
    return rows.scalars().all()


async def completed_changes(
    session: AsyncSession, user_id: str | None, since: datetime | None, until: datetime | None, slug: str | None
) -> Sequence[tuple[str | None, str, str, int]]:
    """(slug, command, agent, count) of completed adds and removals."""
    conditions = _event_window(user_id, since, until)
    conditions += [SkillEvent.status == "completed", SkillEvent.command.in_(["add", "remove"])]
    if slug is not None:
        conditions.append(SkillEvent.skill_slug == slug)
    rows = await session.execute(
        select(SkillEvent.skill_slug, SkillEvent.command, SkillEvent.agent, func.count())
        .where(*conditions)
        .group_by(SkillEvent.skill_slug, SkillEvent.command, SkillEvent.agent)
        .order_by(SkillEvent.skill_slug)
    )
    return [(s, c, a, int(n)) for s, c, a, n in rows.tuples()]
