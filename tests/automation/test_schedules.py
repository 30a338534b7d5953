"""Schedules fire at their next minute exactly once, with two `codemill worker` processes ticking (a
one-minute wait on the real clock, in a time zone half an hour off UTC); webhooks are rate-limited."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from codemie_sdk.models.integration import CredentialTypes

from tests.automation.support import ONE_STATE, create_trigger, runs, wait_run
from tests.conftest import USER_PASSWORD, TestUser, sdk_client
from tests.datasources.test_durable_jobs import Worker
from tests.support.server import LiveServer, start_server
from tests.support.waiting import wait_until
from tests.workflows.support import create


@pytest.fixture(scope="module")
def automation_env(server_env: dict[str, str]) -> dict[str, str]:
    # A queue of its own: only this module's workers take its jobs (and only they tick for its server).
    return {
        **server_env,
        "CODEMILL_JOBS__IN_PROCESS": "false",
        "CODEMILL_JOBS__QUEUE": f"automation-{uuid.uuid4().hex[:6]}",
        "CODEMILL_JOBS__POLLING_SECONDS": "0.3",
        "CODEMILL_AUTOMATION__SCHEDULER_TICK_SECONDS": "1",
        "CODEMILL_AUTOMATION__WEBHOOK_CALLS_PER_MINUTE": "2",
    }


@pytest.fixture(scope="module")
def automation_server(automation_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    server = start_server(automation_env, artifacts_dir / "logs" / "automation-server.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def workers(automation_env: dict[str, str], artifacts_dir: Path) -> Iterator[list[Path]]:
    """Two `codemill worker` processes on the module's queue; their log files."""
    logs = [artifacts_dir / "logs" / f"automation-worker-{i}-{uuid.uuid4().hex[:4]}.log" for i in (1, 2)]
    env = automation_env | {"CODEMILL_LOG_LEVEL": "DEBUG"}
    started = [Worker(env, log) for log in logs]
    try:
        for log in logs:
            _wait_for_line(log, lambda line: "schedules checked" in line, timeout=120)
        yield logs
    finally:
        for worker in started:
            worker.stop()


def _wait_for_line(log: Path, wanted: Callable[[str], bool], timeout: float) -> None:
    wait_until(
        lambda: log.exists() and any(wanted(line) for line in log.read_text(errors="replace").splitlines()),
        timeout=timeout,
        what=lambda: f"{log.name}: the line never came:\n{log.read_text(errors='replace')[-3000:]}",
    )


def _checked_after(moment: datetime) -> Callable[[str], bool]:
    def wanted(line: str) -> bool:
        if "schedules checked" not in line:
            return False
        at = json.loads(line).get("at")
        return at is not None and datetime.fromisoformat(at) > moment

    return wanted


@pytest.fixture
def user(automation_server: LiveServer, make_user: Callable[..., TestUser]) -> Iterator[TestUser]:
    made = make_user("sched")
    client = sdk_client(automation_server, made.email, USER_PASSWORD)
    headers = {"Authorization": f"Bearer {client.token}"}
    with httpx.Client(base_url=automation_server.url, headers=headers, timeout=30) as http:
        yield TestUser(made.id, made.email, made.password, client, http)


def test_a_schedule_fires_at_its_next_minute_once_with_two_workers(user: TestUser, workers: list[Path]) -> None:
    workflow_id = create(user.client, user.email, ONE_STATE)
    now = datetime.now(UTC)
    fire = (now + timedelta(minutes=1 if now.second < 30 else 2)).replace(second=0, microsecond=0)
    kolkata_minute = (fire.minute + 30) % 60  # Asia/Kolkata is UTC+05:30
    integration_id = create_trigger(
        user, CredentialTypes.SCHEDULER,
        schedule=f"{kolkata_minute} * * * *", timezone="Asia/Kolkata",
        resource_type="workflow", resource_id=workflow_id, prompt="Nightly review",
    )  # fmt: skip

    run = wait_run(user.http, integration_id, timeout=240)
    assert run["status"] == "succeeded", run
    assert datetime.fromisoformat(run["fire_time"]) == fire
    # Both workers have looked for due schedules after the fire time (and after the run was recorded) ...
    for log in workers:
        _wait_for_line(log, _checked_after(fire + timedelta(seconds=2)), timeout=60)
    # ... and still there is one run, and one execution of the workflow, with the schedule's prompt.
    assert len(runs(user.http, integration_id)) == 1
    executions = user.client.workflows.executions(workflow_id).list()
    assert [e.execution_id for e in executions] == [run["result"]["execution_id"]]
    assert executions[0].prompt == "Nightly review"
    fired_lines = sum(
        1 for log in workers for line in log.read_text(errors="replace").splitlines()
        if '"schedule fired"' in line and integration_id in line
    )  # fmt: skip
    assert fired_lines <= 1


def test_webhook_calls_past_the_rate_limit_get_429(user: TestUser, workers: list[Path]) -> None:
    workflow_id = create(user.client, user.email, ONE_STATE)
    webhook_id = f"rate-{uuid.uuid4().hex[:10]}"
    integration_id = create_trigger(
        user, CredentialTypes.WEBHOOK,
        webhook_id=webhook_id, secure_header_name="X-Token", secure_header_value="t0ken",
        resource_type="workflow", resource_id=workflow_id,
    )  # fmt: skip
    statuses = [user.client.webhook.trigger(webhook_id, {"n": n}, extra_headers={"X-Token": "t0ken"}) for n in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[2].headers["Retry-After"] == "60"
    assert len(runs(user.http, integration_id)) == 2
