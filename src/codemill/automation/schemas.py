"""Automation API models and the words of the domain (triggers, targets, run statuses)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class Trigger(StrEnum):
    WEBHOOK = "webhook"
    SCHEDULE = "schedule"


class Target(StrEnum):
    """What a Webhook or Scheduler integration starts (its `resource_type`)."""

    ASSISTANT = "assistant"
    WORKFLOW = "workflow"
    DATASOURCE = "datasource"


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookAcceptedOut(BaseModel):
    """The answer to an accepted webhook call: the run that records it (it runs as a job)."""

    message: str
    run_id: str | None = None
    status: str


class AutomationRunOut(BaseModel):
    id: str
    integration_id: str
    trigger: Trigger
    resource_type: Target
    resource_id: str
    status: RunStatus
    fire_time: datetime | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    result: dict[str, Any]


class AutomationRunList(BaseModel):
    data: list[AutomationRunOut]
