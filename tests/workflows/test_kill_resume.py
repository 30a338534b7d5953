"""Durability: the process running a five-state execution is killed (-9) after state two; once a server
runs again the execution finishes, and the states that had finished (one and two) never ran again."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import USER_PASSWORD, TestUser, sdk_client
from tests.support.server import start_server
from tests.workflows.conftest import workflow_env
from tests.workflows.support import LINEAR_FIVE, Runner

DONE = ("Succeeded", "Failed", "Aborted")


def test_killed_process_resumes_from_the_last_finished_state(
    server_env: dict[str, str], artifacts_dir: Path, make_user: Callable[..., TestUser]
) -> None:
    env = workflow_env(server_env, 60)  # ~2 s per state: state three is surely running when the kill comes
    logs = artifacts_dir / "logs"
    user = make_user("wf-kill")
    first = start_server(env, logs / "workflow-kill-1.log")
    try:
        before = Runner(sdk_client(first, user.email, USER_PASSWORD), user.email, first.url)
        workflow_id = before.create(LINEAR_FIVE)
        execution_id = before.start(workflow_id, "durable")
        seen = before.wait_states(
            workflow_id, execution_id, lambda s: s.get("one") == s.get("two") == "Succeeded" and "three" in s
        )
        first.stop(signal.SIGKILL)
    finally:
        first.stop(signal.SIGKILL)
    assert seen["three"] == "In Progress"

    second = start_server(env, logs / "workflow-kill-2.log")
    try:
        after = Runner(sdk_client(second, user.email, USER_PASSWORD), user.email, second.url)
        finished = after.wait_status(workflow_id, execution_id, *DONE, timeout=120)
        assert finished.status.value == "Succeeded", after.execution(workflow_id, execution_id)
        with after.http() as http:
            states = http.get(
                f"/v1/workflows/{workflow_id}/executions/{execution_id}/states", params={"per_page": 100}
            ).json()["data"]
            transitions = http.get(f"/v1/workflows/{workflow_id}/executions/{execution_id}/transitions").json()
    finally:
        second.stop()
    assert [s["name"] for s in states] == ["one", "two", "three", "four", "five"]
    attempts = {s["name"]: s["attempts"] for s in states}
    assert attempts["one"] == attempts["two"] == 1  # finished before the kill: never run again
    assert attempts["three"] == 2  # running at the kill: run again after the restart
    assert attempts["four"] == attempts["five"] == 1
    assert [t["to_state_id"] for t in transitions].count("three") == 1


async def test_an_execution_left_without_a_job_is_queued_again_when_workers_start(
    server_env: dict[str, str], artifacts_dir: Path, make_user: Callable[..., TestUser], engine: AsyncEngine
) -> None:
    env = workflow_env(server_env, 0)
    user = make_user("wf-orphan")
    api_only = start_server(
        {**env, "CODEMILL_JOBS__IN_PROCESS": "false"}, artifacts_dir / "logs" / "workflow-orphan-1.log"
    )
    try:
        before = Runner(sdk_client(api_only, user.email, USER_PASSWORD), user.email, api_only.url)
        workflow_id = before.create(LINEAR_FIVE)
        execution_id = before.start(workflow_id, "orphan")
    finally:
        api_only.stop()
    async with engine.begin() as conn:  # the job disappears (as when a shutdown cancels it)
        job_id = (
            await conn.execute(text("SELECT job_id FROM workflow_executions WHERE id = :id"), {"id": execution_id})
        ).scalar_one()
        await conn.execute(text("SELECT procrastinate.procrastinate_cancel_job_v1(:id, false, true)"), {"id": job_id})
    workers = start_server(env, artifacts_dir / "logs" / "workflow-orphan-2.log")
    try:
        after = Runner(sdk_client(workers, user.email, USER_PASSWORD), user.email, workers.url)
        finished = after.wait_status(workflow_id, execution_id, *DONE, timeout=120)
        assert finished.status.value == "Succeeded", after.error(workflow_id, execution_id)
    finally:
        workers.stop()
