"""SQL for automation: the integrations that trigger, and their recorded runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models import AutomationRun, Integration

WEBHOOK = "Webhook"
SCHEDULER = "Scheduler"


async def webhook(session: AsyncSession, webhook_id: str) -> Integration | None:
    """The Webhook integration whose `webhook_id` is the one called (unique across integrations)."""
    query = select(Integration).where(
        Integration.credential_type == WEBHOOK, Integration.values["webhook_id"].astext == webhook_id
    )
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def schedulers(session: AsyncSession) -> list[Integration]:
    """Every Scheduler integration not switched off."""
    query = select(Integration).where(
        Integration.credential_type == SCHEDULER,
        func.lower(func.coalesce(Integration.values["is_enabled"].astext, "true")).not_in(("false", "0", "no")),
    )
    return list((await session.execute(query.order_by(Integration.id))).scalars())


async def last_fire_times(session: AsyncSession, integration_ids: list[str]) -> dict[str, datetime]:
    """The latest fire time recorded for each schedule."""
    if not integration_ids:
        return {}
    query = (
        select(AutomationRun.integration_id, func.max(AutomationRun.fire_time))
        .where(AutomationRun.integration_id.in_(integration_ids), AutomationRun.fire_time.is_not(None))
        .group_by(AutomationRun.integration_id)
    )
    return {row[0]: row[1] for row in await session.execute(query) if row[1] is not None}


async def claim_fire_time(session: AsyncSession, values: dict[str, Any]) -> str | None:
    """Record a schedule's run for its fire time; None when another worker recorded it first."""
    statement = (
        insert(AutomationRun)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["integration_id", "fire_time"])
        .returning(AutomationRun.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


def add(session: AsyncSession, run: AutomationRun) -> None:
    session.add(run)


async def get_for_update(session: AsyncSession, run_id: str) -> AutomationRun | None:
    query = select(AutomationRun).where(AutomationRun.id == run_id).with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get_integration(session: AsyncSession, integration_id: str) -> Integration | None:
    return await session.get(Integration, integration_id)


async def count_since(session: AsyncSession, integration_id: str, since: datetime) -> int:
    """Runs of one integration recorded since `since` (the webhook rate limit)."""
    query = select(func.count()).where(
        AutomationRun.integration_id == integration_id, AutomationRun.created_at >= since
    )
    return int((await session.execute(query)).scalar_one())


async def runs_of(session: AsyncSession, integration_id: str, limit: int) -> list[AutomationRun]:
    """An integration's runs, newest first."""
    query = (
        select(AutomationRun)
        .where(AutomationRun.integration_id == integration_id)
        .order_by(AutomationRun.created_at.desc(), AutomationRun.id)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def lock_integration(session: AsyncSession, integration_id: str) -> None:
    """Serialize this transaction with others on the same integration (until it ends)."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext("automation:" + integration_id))))
