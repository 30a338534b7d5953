"""Schedules: Scheduler integrations fire their assistant, workflow or reindex on a cron in a time zone.

Every process that runs jobs ticks (settings.automation.scheduler_tick_seconds). A tick records, for each
enabled schedule that is due, one run for its fire time: (integration, fire time) is unique, so when
several workers or replicas tick through the same minute exactly one of them records the run and queues
its job; the others find it taken.

Missed runs (no worker was up at a fire time): the most recent missed fire time runs once when a worker
comes back, the earlier ones are skipped. Fire times before the schedule was created or last changed never
run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from codemill.automation import repository, runs
from codemill.automation.schemas import RunStatus, Target, Trigger
from codemill.models import Integration
from codemill.models.base import new_id

log = logging.getLogger("codemill.automation")


def latest_fire_time(schedule: str, timezone: str, now: datetime) -> datetime | None:
    """The schedule's latest fire time at or before `now` (UTC), None for a bad expression or zone."""
    try:
        zone = ZoneInfo(timezone or "UTC")
        start = (now + timedelta(seconds=1)).astimezone(zone)
        fire: datetime = croniter(schedule, start).get_prev(datetime)
    except (ZoneInfoNotFoundError, ValueError, KeyError):
        return None
    fire = fire.astimezone(UTC)
    return fire if fire <= now else None


def due(integration: Integration, last_fired: datetime | None, now: datetime) -> datetime | None:
    """The fire time to run now, if any: the latest one since the schedule last fired or was changed."""
    values = integration.values
    fire = latest_fire_time(str(values.get("schedule") or ""), str(values.get("timezone") or "UTC"), now)
    if fire is None:
        return None
    anchor = max(d for d in (last_fired, integration.updated_at) if d is not None)
    return fire if fire > anchor else None


async def tick(resources: runs.AutomationResources, now: datetime) -> list[str]:
    """Record and queue the runs due at `now`; returns the ids of the runs this call recorded."""
    async with resources.sessions() as session:
        schedules = await repository.schedulers(session)
        last = await repository.last_fire_times(session, [s.id for s in schedules])
    log.debug("schedules checked", extra={"at": now.isoformat(), "schedules": len(schedules)})
    fired: list[str] = []
    for integration in schedules:
        fire_time = due(integration, last.get(integration.id), now)
        if fire_time is None:
            continue
        try:
            run_id = await _claim(resources, integration, fire_time)
        except Exception:
            log.exception("could not record a schedule's run", extra={"integration_id": integration.id})
            continue
        outcome = "schedule fired" if run_id else "schedule already fired by another worker"
        log.info(outcome, extra={"integration_id": integration.id, "fire_time": fire_time.isoformat()})
        if run_id:
            fired.append(run_id)
    return fired


async def _claim(resources: runs.AutomationResources, integration: Integration, fire_time: datetime) -> str | None:
    values = integration.values
    try:
        target = Target(str(values.get("resource_type")))
    except ValueError:
        return None
    resource_id = str(values.get("resource_id") or "")[:255]
    async with resources.sessions() as session, session.begin():
        run_id = await repository.claim_fire_time(
            session,
            {
                "id": new_id(),
                "integration_id": integration.id,
                "trigger": Trigger.SCHEDULE,
                "resource_type": target,
                "resource_id": resource_id,
                "status": RunStatus.QUEUED,
                "fire_time": fire_time,
                "payload": {"body": None, "event": None},
                "result": {},
            },
        )
        if run_id is None:
            return None
        run = await repository.get_for_update(session, run_id)
        assert run is not None  # inserted in this transaction
        await runs.schedule(session, resources.settings, run)
    return run_id


async def run_forever(resources: runs.AutomationResources, clock: Callable[[], datetime] | None = None) -> None:
    """Tick until cancelled (a failed tick is logged; the next one tries again)."""
    settings = resources.settings.automation
    now = clock or (lambda: datetime.now(UTC))
    while True:
        try:
            await tick(resources, now())
        except Exception:
            log.exception("schedule tick failed")
        await asyncio.sleep(settings.scheduler_tick_seconds)
