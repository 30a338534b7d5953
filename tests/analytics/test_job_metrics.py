"""Jobs are observed where they run: each run is counted and timed by task and outcome, carries the id of the
request that deferred it (its log lines show it), and a process without an HTTP app serves these metrics on
its own port (`codemill worker` with CODEMILL_OBSERVABILITY__METRICS_PORT)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine

from codemill.db.engine import make_sessionmaker
from codemill.jobs.queue import JobQueue, defer_in
from codemill.kit.logs import request_id_var
from codemill.kit.metrics import serve_metrics
from codemill.settings import JobsSettings
from tests.conftest import unique


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


async def test_a_job_run_is_counted_timed_and_carries_its_request_id(database_url: str, engine: AsyncEngine) -> None:
    queue_name = unique("metrics-queue")
    queue = JobQueue(database_url, JobsSettings(queue=queue_name, polling_seconds=0.1))
    seen: list[dict[str, Any]] = []
    done = asyncio.Event()

    async def probe(_context: Any, **args: Any) -> None:
        seen.append({"args": args, "request_id": request_id_var.get()})
        done.set()

    task = unique("probe")
    queue.register(task, probe)
    await queue.open()
    sessions = make_sessionmaker(engine)
    token = request_id_var.set("req-from-the-api")
    try:
        async with sessions() as session, session.begin():
            await defer_in(session, queue_name, task, {"datasource_id": "ds-1"})
    finally:
        request_id_var.reset(token)
    port = _free_port()
    serve_metrics(port, host="127.0.0.1")
    worker = asyncio.create_task(queue.run_worker(1, {}, install_signal_handlers=False))
    try:
        await asyncio.wait_for(done.wait(), 60)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        await queue.close()

    # The task saw its own arguments only, under the deferring request's id.
    assert seen == [{"args": {"datasource_id": "ds-1"}, "request_id": "req-from-the-api"}]
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"http://127.0.0.1:{port}/metrics", timeout=10)).text
    runs = _samples(text, "codemill_jobs_run_total")
    assert runs[(("status", "succeeded"), ("task", task))] == 1
    durations = _samples(text, "codemill_job_duration_seconds_count")
    assert durations[(("task", task),)] == 1
