"""Durable indexing: a worker killed mid-index is replaced and the job resumes without duplicate chunks;
cancel pauses a job and resume finishes it. Jobs run in `codemill worker` processes here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import TestUser
from tests.datasources.support import ds_name, wait_for
from tests.support.server import ROOT, LiveServer, start_server
from tests.support.waiting import wait_until

DOCS = 24


@pytest.fixture(scope="module")
def jobs_env(server_env: dict[str, str]) -> dict[str, str]:
    # A queue of its own, so the session's live server (which indexes in-process) never takes these jobs.
    return {
        **server_env,
        "CODEMILL_JOBS__IN_PROCESS": "false",
        "CODEMILL_JOBS__QUEUE": f"durable-{uuid.uuid4().hex[:6]}",
        "CODEMILL_JOBS__HEARTBEAT_SECONDS": "1",
        "CODEMILL_JOBS__STALLED_AFTER_SECONDS": "4",
        "CODEMILL_JOBS__POLLING_SECONDS": "0.5",
        "CODEMILL_JOBS__CONCURRENCY": "1",
        "CODEMILL_EMBEDDINGS__BATCH_SIZE": "4",
        "CODEMILL_DATASOURCES__MAX_FILE_BYTES": "200000",
    }


@pytest.fixture(scope="module")
def jobs_server(jobs_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    server = start_server(jobs_env, artifacts_dir / "logs" / "durable-jobs-server.log")
    yield server
    server.stop()


@pytest.fixture
def api(jobs_server: LiveServer, make_user: Callable[..., TestUser]) -> Iterator[tuple[httpx.Client, str]]:
    user = make_user("durable")
    headers = {"Authorization": f"Bearer {user.client.token}"}
    with httpx.Client(base_url=jobs_server.url, headers=headers, timeout=30) as client:
        yield client, user.email


class Worker:
    """A `codemill worker` subprocess."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        full = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")} | env
        log.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "codemill", "worker"], cwd=ROOT, env=full,
            stdout=log.open("ab"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def upload(api: httpx.Client, project: str, name: str) -> str:
    files = []
    for n in range(DOCS):
        body = "\n\n".join(f"Section {k} of document {n}: " + f"topic{n}x{k} " * 40 for k in range(3))
        files.append(("files", (f"doc_{n:02d}.md", body.encode(), "text/markdown")))
    response = api.post("/v1/index/knowledge_base/file", params={"name": name, "project_name": project}, files=files)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def wait_progress(api: httpx.Client, datasource_id: str, at_least: int, timeout: float = 120) -> dict[str, object]:
    body: dict[str, object] = {}

    def progressed() -> dict[str, object] | None:
        body.clear()
        body.update(api.get(f"/v1/index/{datasource_id}").json())
        return dict(body) if body["progress"]["chunks_done"] >= at_least else None  # type: ignore[index]

    return wait_until(progressed, timeout=timeout, what=lambda: f"{at_least} chunks done: {body}")


async def stored(engine: AsyncEngine, datasource_id: str) -> tuple[int, int]:
    async with engine.connect() as conn:
        row = (await conn.execute(
            text("SELECT count(*), count(DISTINCT (item_path, ordinal)) FROM datasource_chunks WHERE datasource_id = :d"),
            {"d": datasource_id},
        )).one()  # fmt: skip
    return int(row[0]), int(row[1])


async def chunk_ids(engine: AsyncEngine, datasource_id: str) -> set[int]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT id FROM datasource_chunks WHERE datasource_id = :d"), {"d": datasource_id}
        )
        return {int(r[0]) for r in rows}


async def test_killed_worker_is_replaced_and_the_job_resumes(
    api: tuple[httpx.Client, str], jobs_env: dict[str, str], artifacts_dir: Path, engine: AsyncEngine
) -> None:
    api, project = api  # type: ignore[assignment]
    logs = artifacts_dir / "logs"
    crashed = upload(api, project, ds_name("crash"))
    first = Worker(jobs_env, logs / "durable-worker-1.log")
    try:
        progress = wait_progress(api, crashed, at_least=12)
        first.kill()  # mid-index: some chunks are stored, most are not
        assert progress["status"] == "indexing"
        midway = api.get(f"/v1/index/{crashed}").json()
        assert 0 < midway["progress"]["chunks_done"] < midway["progress"]["chunks_total"]
    finally:
        first.stop()
    before_crash = await chunk_ids(engine, crashed)
    second = Worker(jobs_env, logs / "durable-worker-2.log")
    try:
        resumed = wait_for(api, crashed, timeout=240)
        clean = upload(api, project, ds_name("clean"))
        reference = wait_for(api, clean, timeout=240)
    finally:
        second.stop()
    assert (
        resumed["progress"]["chunks_done"]
        == resumed["progress"]["chunks_total"]
        == reference["progress"]["chunks_total"]
    )
    count, distinct = await stored(engine, crashed)
    assert count == distinct == (await stored(engine, clean))[0]
    assert resumed["progress"]["items_done"] == DOCS
    assert before_crash and before_crash <= await chunk_ids(engine, crashed)  # resumed: stored chunks were kept


async def test_cancel_pauses_and_resume_finishes(
    api: tuple[httpx.Client, str], jobs_env: dict[str, str], artifacts_dir: Path, engine: AsyncEngine
) -> None:
    api, project = api  # type: ignore[assignment]
    name = ds_name("pause")
    datasource_id = upload(api, project, name)
    worker = Worker(jobs_env, artifacts_dir / "logs" / "durable-worker-3.log")
    try:
        wait_progress(api, datasource_id, at_least=8)
        assert api.post(f"/v1/index/{datasource_id}/cancel").json()["cancelled"] is True
        paused = wait_for(api, datasource_id, statuses=("paused",), timeout=60)
        assert paused["progress"]["chunks_done"] < paused["progress"]["chunks_total"]
        response = api.put(
            "/v1/index/knowledge_base/file", params={"name": name, "project_name": project, "resume_indexing": "true"}
        )
        assert response.status_code == 200, response.text
        done = wait_for(api, datasource_id, timeout=240)
    finally:
        worker.stop()
    count, distinct = await stored(engine, datasource_id)
    assert count == distinct == done["progress"]["chunks_total"] and done["progress"]["items_done"] == DOCS


def test_files_past_the_size_limit_are_refused(api: tuple[httpx.Client, str]) -> None:
    client, project = api
    big = ("files", ("big.txt", b"x" * 200_001, "text/plain"))
    response = client.post(
        "/v1/index/knowledge_base/file", params={"name": ds_name("big"), "project_name": project}, files=[big]
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert (
        "big.txt" in error["message"] and error["details"]["max_bytes"] == 200_000 and "MAX_FILE_BYTES" in error["help"]
    )
