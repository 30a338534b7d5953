"""Every user's conversations for platform admins: the paged list and finishing many at once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.conversations import repository, views
from codemill.conversations.admin_schemas import AdminConversationListOut, FinishResult


async def list_page(
    session: AsyncSession,
    principal: Principal,
    *,
    finished: bool | None,
    started_after: datetime | None,
    project: str | None,
    page: int,
    per_page: int,
) -> AdminConversationListOut:
    """One page of every user's conversations, newest first, filtered by state, start and project."""
    policy.require_admin(principal)
    rows, total = await repository.list_all(
        session,
        finished=finished,
        started_after=started_after,
        project=project,
        offset=page * per_page,
        limit=per_page,
    )
    return views.admin_page(rows, total, page, per_page)


async def finish_many(session: AsyncSession, principal: Principal, ids: list[str]) -> list[FinishResult]:
    """Finish each conversation; finished ones are reported as such, unknown ids as not_found."""
    policy.require_admin(principal)
    found = {c.id: c for c in await repository.get_many(session, list(dict.fromkeys(ids)))}
    now = datetime.now(UTC)
    results: list[FinishResult] = []
    for conversation_id in ids:
        conversation = found.get(conversation_id)
        if conversation is None:
            results.append(FinishResult(conversation_id=conversation_id, error="not_found"))
        elif conversation.finished_at is not None:
            results.append(
                FinishResult(
                    conversation_id=conversation_id, already_finished=True, finished_at=conversation.finished_at
                )
            )
        else:
            conversation.finished_at = now
            results.append(FinishResult(conversation_id=conversation_id, finished_at=now))
    await session.flush()
    return results
