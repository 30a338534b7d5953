"""The scheduler's decisions with a controlled clock, on a database of its own (so no other test's
schedules are ticked): concurrent ticks record one run; after downtime the latest missed fire time runs
once and the earlier ones are skipped; cron minutes are read in the schedule's time zone."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.automation import runs, scheduler
from codemill.db.embedded import EmbeddedPostgres
from codemill.db.engine import make_engine, make_sessionmaker
from codemill.db.migrate import upgrade_to_head
from codemill.models import AutomationRun, Integration, Project, User
from codemill.settings import Settings

QUEUE = "scheduler-clock"


@dataclass
class Ticking:
    """What a tick uses of the process's resources: settings and sessions."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]


@pytest.fixture(scope="module")
def clock_database_url(postgres: EmbeddedPostgres) -> str:
    url = postgres.create_database("codemill_scheduler_clock")
    upgrade_to_head(url)
    return url


@pytest.fixture
async def resources(clock_database_url: str) -> AsyncIterator[runs.AutomationResources]:
    engine = make_engine(clock_database_url, pool_size=4)
    settings = Settings(_env_file=None, secret_key="s" * 40)  # type: ignore[call-arg]
    settings.jobs.queue = QUEUE
    yield cast(runs.AutomationResources, Ticking(settings, make_sessionmaker(engine)))
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM integrations"))
    await engine.dispose()


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


async def schedule(resources: runs.AutomationResources, changed: datetime, **values: Any) -> str:
    """A Scheduler integration last changed at `changed`; its id."""
    async with resources.sessions() as session, session.begin():
        user = User(email=f"{uuid.uuid4().hex}@t.test", username=uuid.uuid4().hex, name="Owner", picture="",
                    auth_source="local", is_admin=False, is_maintainer=False, is_active=True, preferences={})  # fmt: skip
        project = Project(name=f"sched-{uuid.uuid4().hex[:8]}", project_type="shared")
        session.add_all([user, project])
        await session.flush()
        integration = Integration(
            setting_type="user", owner_id=user.id, created_by=user.id, project_name=project.name,
            alias=uuid.uuid4().hex, credential_type="Scheduler", created_at=changed, updated_at=changed,
            values={"resource_type": "workflow", "resource_id": "wf", **values},
        )  # fmt: skip
        session.add(integration)
    return integration.id


async def fire_times(resources: runs.AutomationResources, integration_id: str) -> list[datetime]:
    async with resources.sessions() as session:
        rows = await session.execute(
            select(AutomationRun.fire_time).where(AutomationRun.integration_id == integration_id).order_by("fire_time")
        )
        return [r for r in rows.scalars() if r is not None]


async def queued_jobs(resources: runs.AutomationResources) -> int:
    async with resources.sessions() as session:
        query = text("SELECT count(*) FROM procrastinate.procrastinate_jobs WHERE queue_name = :q AND task_name = :t")
        return int((await session.execute(query, {"q": QUEUE, "t": runs.TASK})).scalar_one())


async def test_concurrent_ticks_record_one_run_and_downtime_runs_the_latest_missed_once(
    resources: runs.AutomationResources,
) -> None:
    hourly = await schedule(resources, at("2030-01-01T08:30:00"), schedule="0 * * * *")
    # Down from 08:30 to 12:10: 09:00, 10:00 and 11:00 are skipped, 12:00 runs once, even with three ticks at once.
    fired = await asyncio.gather(*(scheduler.tick(resources, at("2030-01-01T12:10:00")) for _ in range(3)))
    assert sum(len(f) for f in fired) == 1
    assert await fire_times(resources, hourly) == [at("2030-01-01T12:00:00")]
    assert await queued_jobs(resources) == 1
    assert await scheduler.tick(resources, at("2030-01-01T12:59:59")) == []
    assert len(await scheduler.tick(resources, at("2030-01-01T13:00:00"))) == 1
    assert await fire_times(resources, hourly) == [at("2030-01-01T12:00:00"), at("2030-01-01T13:00:00")]


async def test_fire_times_follow_the_time_zone_and_changes(resources: runs.AutomationResources) -> None:
    berlin = await schedule(resources, at("2030-07-01T00:00:00"), schedule="30 9 * * *", timezone="Europe/Berlin")
    disabled = await schedule(resources, at("2030-07-01T00:00:00"), schedule="30 9 * * *", is_enabled=False)
    assert await scheduler.tick(resources, at("2030-07-01T07:29:59")) == []
    assert len(await scheduler.tick(resources, at("2030-07-01T07:30:05"))) == 1  # 09:30 CEST
    assert await fire_times(resources, berlin) == [at("2030-07-01T07:30:00")]
    assert await fire_times(resources, disabled) == []
    # Created after today's fire time: the first run is tomorrow's, not a catch-up of today's.
    late = await schedule(resources, at("2030-07-01T08:00:00"), schedule="30 9 * * *", timezone="Europe/Berlin")
    assert await scheduler.tick(resources, at("2030-07-01T09:00:00")) == []
    assert len(await scheduler.tick(resources, at("2030-07-02T07:31:00"))) == 2
    assert await fire_times(resources, late) == [at("2030-07-02T07:30:00")]


def test_bad_zone_or_expression_never_fires() -> None:
    now = at("2030-01-01T12:00:00")
    assert scheduler.latest_fire_time("0 * * * *", "Mars/Olympus", now) is None
    assert scheduler.latest_fire_time("not a cron", "UTC", now) is None
    assert scheduler.latest_fire_time("0 * * * *", "UTC", now) == now


async def test_an_assistant_run_cut_off_by_a_dead_worker_fails_instead_of_asking_again(
    resources: runs.AutomationResources,
) -> None:
    integration_id = await schedule(
        resources, at("2030-01-01T00:00:00"), schedule="0 * * * *", resource_type="assistant", resource_id="a"
    )
    (run_id,) = await scheduler.tick(resources, at("2030-01-01T01:00:00"))
    async with resources.sessions() as session, session.begin():
        run = await session.get(AutomationRun, run_id)
        assert run is not None and run.status == "queued" and run.integration_id == integration_id
        run.status = "running"  # as a worker leaves it when it dies mid-turn; the job is then retried
    await runs.perform(resources, run_id)
    async with resources.sessions() as session:
        run = await session.get(AutomationRun, run_id)
        assert run is not None and run.status == "failed"
        assert run.result["error"].startswith("interrupted")
