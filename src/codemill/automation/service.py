"""Webhook calls (find the integration, check its secret, limit the rate, record a run and queue its job)
and the runs API of webhooks and schedules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.automation import repository, runs, signatures
from codemill.automation.schemas import AutomationRunOut, RunStatus, Target, Trigger, WebhookAcceptedOut
from codemill.errors import Forbidden, NotFound, PayloadTooLarge, TooManyRequests, Unprocessable
from codemill.integrations.sealing import all_values, cipher_of
from codemill.models import AutomationRun, Integration
from codemill.settings import Settings

_EVENT_HEADERS = ("x-github-event", "x-gitlab-event")
RESOURCE_ID_MAX = 255


def _enabled(integration: Integration) -> bool:
    return str(integration.values.get("is_enabled", True)).strip().lower() not in {"false", "0", "no"}


async def enabled_webhook(session: AsyncSession, webhook_id: str) -> Integration:
    """The enabled Webhook integration called `webhook_id` (404 for an unknown or disabled one)."""
    integration = await repository.webhook(session, webhook_id)
    if integration is None or not _enabled(integration):
        raise NotFound("Webhook not found", details={"webhook_id": webhook_id})
    return integration


def _payload(body: bytes, limit: int) -> Any:
    if len(body) > limit:
        raise PayloadTooLarge(f"The webhook payload is {len(body)} bytes; the limit is {limit}")
    if not body.strip():
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return body.decode("utf-8", errors="replace")


async def _check_rate(session: AsyncSession, settings: Settings, integration: Integration) -> None:
    await repository.lock_integration(session, integration.id)
    limit = settings.automation.webhook_calls_per_minute
    since = datetime.now(UTC) - timedelta(minutes=1)
    if await repository.count_since(session, integration.id, since) >= limit:
        raise TooManyRequests(
            f"This webhook accepts at most {limit} calls per minute",
            retry_after_seconds=60,
            details={"limit": limit},
            help="Retry later.",
        )


async def receive(
    session: AsyncSession, settings: Settings, webhook_id: str, headers: Mapping[str, str], body: bytes
) -> WebhookAcceptedOut:
    """Authenticate the call and record its run (queued); 401/403/404/413/429 otherwise."""
    integration = await enabled_webhook(session, webhook_id)
    values = await all_values(cipher_of(session), integration)
    signatures.verify(values, headers, body)
    if not signatures.event_wanted(values, headers):
        return WebhookAcceptedOut(message="Event ignored by the webhook's event filter", status="skipped")
    payload = _payload(body, settings.automation.webhook_max_payload_bytes)
    await _check_rate(session, settings, integration)
    event = next((headers[h] for h in _EVENT_HEADERS if h in headers), None)
    resource_id = str(values.get("resource_id") or "")
    if not resource_id or len(resource_id) > RESOURCE_ID_MAX:
        raise Unprocessable("The webhook's resource_id is not a valid id", details={"field": "resource_id"})
    run = AutomationRun(
        integration_id=integration.id,
        trigger=Trigger.WEBHOOK,
        resource_type=Target(str(values["resource_type"])),
        resource_id=resource_id,
        status=RunStatus.QUEUED,
        payload={"body": payload, "event": event},
        result={},
    )
    repository.add(session, run)
    await session.flush()
    await runs.schedule(session, settings, run)
    await session.flush()
    return WebhookAcceptedOut(message="Webhook invoked successfully", run_id=run.id, status=RunStatus.QUEUED)


async def list_runs(
    session: AsyncSession, principal: Principal, integration_id: str, limit: int
) -> list[AutomationRunOut]:
    """The runs of a Webhook or Scheduler integration the caller may use, newest first."""
    integration = policy.ensure_integration_usable(principal, await repository.get_integration(session, integration_id))
    if integration.credential_type not in (repository.WEBHOOK, repository.SCHEDULER):
        raise Forbidden("Only Webhook and Scheduler integrations have runs")
    return [
        AutomationRunOut.model_validate(r, from_attributes=True)
        for r in await repository.runs_of(session, integration.id, limit)
    ]
