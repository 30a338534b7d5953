"""The workflow engine's own cost per state, and 100 concurrent five-state executions on one process.

A server (API only: its jobs are not run there) on a fresh PostgreSQL takes the workflow and the
executions; this process then runs them with the engine itself (ExecutionRunner, as a worker's job does),
on the mock LLM at zero delay per token. The workflow has five assistant states.

Figures per state: `engine_cpu_ms` is the CPU time this process spends per state, less the mock model
call's own CPU (measured here on the same messages): rendering the task, the agent loop, two transactions
(state started; output, context store, frontier and transitions checkpointed), routing. It does not
depend on what else the machine runs. `wall_ms` is the state's share of its execution's wall time
(PostgreSQL round trips and commits included; it grows with the machine's load). Then 100 executions run
concurrently in this one process: errors, wall time, states per second, peak RSS.

Targets: engine p50 <= 5 ms per state beyond the model call; 100 concurrent executions with 0 errors.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import httpx
import psutil
from pydantic import SecretStr

from bench.chat_overhead import PeakRSS
from bench.common import ADMIN, bench_server, login, percentile, report
from codemill.llm.catalogue import mock_model
from codemill.llm.provider import ChatMessage, CompletionRequest
from codemill.llm.providers.mock import MockProvider
from codemill.resources import Resources
from codemill.settings import Settings
from codemill.workflows import repository
from codemill.workflows.engine import ExecutionRunner

SEQUENTIAL_RUNS = 30
CONCURRENT_RUNS = 100
STATES = 5
WORKFLOW = """\
assistants:
  - id: helper
    model: mock
    system_prompt: You help with release checks.
states:
""" + "".join(
    f"""  - id: s{n}
    assistant_id: helper
    task: "Step {n} for {{{{ user_input }}}}"
    next: {{state_id: {"s" + str(n + 1) if n < STATES else "end"}, output_key: out{n}}}
"""
    for n in range(1, STATES + 1)
)


def _settings(env: dict[str, str]) -> Settings:
    settings = Settings(
        database_url=SecretStr(env["CODEMILL_DATABASE_URL"]),
        secret_key=SecretStr(env["CODEMILL_SECRET_KEY"]),
        data_dir=Path(env["CODEMILL_DATA_DIR"]),
    )
    settings.llm.mock_token_delay_ms = 0.0
    return settings


def _start_all(url: str, token: str, count: int) -> tuple[str, list[str]]:
    """The workflow and `count` queued executions (no worker takes them: this process runs them)."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        body = {"project": ADMIN["email"], "name": "bench", "description": "engine", "yaml_config": WORKFLOW}
        created = client.post("/v1/workflows", json=body)
        created.raise_for_status()
        workflow_id = str(created.json()["id"])
        ids = []
        for n in range(count):
            started = client.post(f"/v1/workflows/{workflow_id}/executions", json={"user_input": f"run {n}"})
            started.raise_for_status()
            ids.append(str(started.json()["execution_id"]))
    return workflow_id, ids


def _mock_call_cpu_ms() -> float:
    """The mock model's own CPU time for one state's call (median of many)."""
    provider = MockProvider(0.0)
    messages = [ChatMessage("system", "You help with release checks."), ChatMessage("user", "Step 3 for run 7")]

    async def measure() -> list[float]:
        times = []
        for _ in range(300):
            started = time.process_time()
            async for _event in provider.stream(CompletionRequest(mock_model(), messages, [])):
                pass
            times.append((time.process_time() - started) * 1000)
        return times

    return percentile(asyncio.run(measure()), 50)


async def _succeeded(resources: Resources, execution_id: str) -> bool:
    async with resources.sessions() as session:
        execution = await repository.get_execution(session, execution_id)
        states, _ = await repository.list_states(session, execution_id)
    return execution is not None and execution.status == "Succeeded" and len(states) == STATES


async def _bench(settings: Settings, ids: list[str], model_ms: float) -> list[dict[str, object]]:
    resources = Resources.build(settings, settings.database_url.get_secret_value() if settings.database_url else "")
    try:
        warmup, sequential, concurrent = ids[:3], ids[3 : 3 + SEQUENTIAL_RUNS], ids[3 + SEQUENTIAL_RUNS :]
        for execution_id in warmup:
            await ExecutionRunner(resources, execution_id).run()
        cpu: list[float] = []
        wall: list[float] = []
        errors = 0
        for execution_id in sequential:
            cpu_before, wall_before = time.process_time(), time.perf_counter()
            await ExecutionRunner(resources, execution_id).run()
            cpu.append((time.process_time() - cpu_before) * 1000 / STATES - model_ms)
            wall.append((time.perf_counter() - wall_before) * 1000 / STATES - model_ms)
            errors += 0 if await _succeeded(resources, execution_id) else 1
        rows: list[dict[str, object]] = [
            {
                "executions": len(sequential),
                "concurrent": 1,
                "errors": errors,
                "engine_cpu_ms_p50": percentile(cpu, 50),
                "engine_cpu_ms_p99": percentile(cpu, 99),
                "wall_ms_p50": percentile(wall, 50),
                "mock_call_ms": round(model_ms, 3),
            }
        ]
        process = psutil.Process(os.getpid())
        with PeakRSS(os.getpid()) as memory:
            cpu_before, wall_before = sum(process.cpu_times()[:2]), time.perf_counter()
            results = await asyncio.gather(
                *(ExecutionRunner(resources, i).run() for i in concurrent), return_exceptions=True
            )
            elapsed = time.perf_counter() - wall_before
            used = sum(process.cpu_times()[:2]) - cpu_before
        ok = [
            i
            for i, r in zip(concurrent, results, strict=True)
            if not isinstance(r, BaseException) and await _succeeded(resources, i)
        ]
        rows.append(
            {
                "executions": len(concurrent),
                "concurrent": len(concurrent),
                "errors": len(concurrent) - len(ok),
                "engine_cpu_ms_p50": round(used * 1000 / max(len(ok) * STATES, 1) - model_ms, 2),
                "wall_s": round(elapsed, 2),
                "states_per_s": round(len(ok) * STATES / elapsed, 1),
                "peak_rss_mb": memory.peak,
            }
        )
        return rows
    finally:
        await resources.close()


def main() -> None:
    """Run the benchmark and print its figures."""
    total = 3 + SEQUENTIAL_RUNS + CONCURRENT_RUNS
    env = {
        "CODEMILL_LOG_LEVEL": "WARNING",
        "CODEMILL_JOBS__IN_PROCESS": "false",
        "CODEMILL_WORKFLOWS__MAX_RUNNING_PER_USER": str(total),
    }
    with bench_server(env) as server:
        _, ids = _start_all(server.url, login(server), total)
        settings = _settings(server.env)
        model_ms = _mock_call_cpu_ms()
        rows = asyncio.run(_bench(settings, ids, model_ms))
    report(
        "workflow_engine",
        rows,
        {"engine_cpu_ms_p50_max": 5, "errors_at_100_concurrent": 0},
    )


if __name__ == "__main__":
    main()
