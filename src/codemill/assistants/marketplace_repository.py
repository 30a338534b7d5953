"""SQL for assistant categories and reactions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import Assistant, AssistantCategory, AssistantReaction, User
from codemill.models.analytics import UsageDaily


async def categories(session: AsyncSession) -> list[AssistantCategory]:
    """Every category, by name."""
    return list((await session.scalars(select(AssistantCategory).order_by(AssistantCategory.name))).all())


async def category_page(session: AsyncSession, page: int, per_page: int) -> tuple[list[AssistantCategory], int]:
    """A page of categories by name, and how many there are."""
    total = int(await session.scalar(select(func.count()).select_from(AssistantCategory)) or 0)
    rows = await session.scalars(
        select(AssistantCategory).order_by(AssistantCategory.name).offset(page * per_page).limit(per_page)
    )
    return list(rows.all()), total


async def category(session: AsyncSession, category_id: str) -> AssistantCategory | None:
    """A category by id."""
    return await session.get(AssistantCategory, category_id)


async def category_named(session: AsyncSession, name: str) -> AssistantCategory | None:
    """A category by name, ignoring case."""
    found = await session.scalars(select(AssistantCategory).where(func.lower(AssistantCategory.name) == name.lower()))
    return found.first()


async def category_counts(session: AsyncSession, category_ids: list[str]) -> dict[str, tuple[int, int]]:
    """Per category: how many marketplace assistants and how many project assistants are filed under it."""
    if not category_ids:
        return {}
    filed = func.jsonb_array_elements_text(Assistant.categories).table_valued("value").alias("filed")
    rows = await session.execute(
        select(
            filed.c.value,
            func.count().filter(Assistant.is_global.is_(True)),
            func.count().filter(Assistant.is_global.is_(False)),
        )
        .select_from(Assistant)
        .join(filed, filed.c.value.in_(category_ids))
        .group_by(filed.c.value)
    )
    return {str(value): (int(market), int(project)) for value, market, project in rows.all()}


async def delete_category(session: AsyncSession, category_id: str) -> None:
    """Remove a category."""
    await session.execute(delete(AssistantCategory).where(AssistantCategory.id == category_id))


async def reaction(session: AsyncSession, assistant_id: str, user_id: str) -> AssistantReaction | None:
    """A user's reaction to an assistant."""
    return await session.get(AssistantReaction, (assistant_id, user_id))


async def remove_reaction(session: AsyncSession, assistant_id: str, user_id: str) -> None:
    """Forget a user's reaction to an assistant."""
    await session.execute(
        delete(AssistantReaction).where(
            AssistantReaction.assistant_id == assistant_id, AssistantReaction.user_id == user_id
        )
    )


async def reaction_counts(session: AsyncSession, assistant_id: str) -> tuple[int, int]:
    """How many users like and dislike an assistant."""
    return (await _reaction_counts(session, [assistant_id])).get(assistant_id, (0, 0))


async def _reaction_counts(session: AsyncSession, assistant_ids: list[str]) -> dict[str, tuple[int, int]]:
    """Per assistant that has reactions: how many users like and dislike it."""
    rows = await session.execute(
        select(
            AssistantReaction.assistant_id,
            func.count(case((AssistantReaction.reaction == "like", 1))),
            func.count(case((AssistantReaction.reaction == "dislike", 1))),
        )
        .where(AssistantReaction.assistant_id.in_(assistant_ids))
        .group_by(AssistantReaction.assistant_id)
    )
    return {str(a): (int(likes), int(dislikes)) for a, likes, dislikes in rows.all()}


async def creators(session: AsyncSession, visible: ColumnElement[bool]) -> Sequence[User]:
    """The users who made assistants the caller sees, by name."""
    made = select(Assistant.created_by).where(visible, Assistant.created_by.is_not(None))
    rows = await session.execute(select(User).where(User.id.in_(made)).order_by(User.name, User.email))
    return rows.scalars().all()


async def reactions_by(
    session: AsyncSession, user_id: str, reaction: str | None
) -> Sequence[tuple[AssistantReaction, Assistant]]:
    """A user's reactions to assistants, with the assistants."""
    query = select(AssistantReaction, Assistant).join(Assistant, Assistant.id == AssistantReaction.assistant_id)
    query = query.where(AssistantReaction.user_id == user_id)
    if reaction is not None:
        query = query.where(AssistantReaction.reaction == reaction)
    return [(r, a) for r, a in (await session.execute(query)).tuples().all()]


async def usage_counts(session: AsyncSession, assistant_ids: list[str]) -> dict[str, tuple[int, int, int]]:
    """Per assistant: how many users chatted with it (from the daily usage roll-ups), like it and dislike it."""
    if not assistant_ids:
        return {}
    users = await session.execute(
        select(UsageDaily.assistant_id, func.count(func.distinct(UsageDaily.user_id)))
        .where(UsageDaily.assistant_id.in_(assistant_ids), UsageDaily.user_id != "")
        .group_by(UsageDaily.assistant_id)
    )
    counted = {str(a): int(n) for a, n in users.all()}
    liked = await _reaction_counts(session, assistant_ids)
    return {a: (counted.get(a, 0), *liked.get(a, (0, 0))) for a in assistant_ids}
