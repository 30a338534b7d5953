"""The platform's own overhead per chat turn: streamed chat with the mock LLM at zero delay per token.

With the mock answering instantly, everything measured is Codemill: auth, the assistant and the
conversation loaded, the agent loop, NDJSON streaming, the turn and its usage stored. Figures: time to
the first answer chunk and to the final record (`total`: the whole answer is in the client's hands),
p50/p99, and to the end of the stream (`closed`: the turn is stored too), at 1, 50 and 500 concurrent
streams, and the API process's RSS (peak during the 500-stream run).

Targets: p50 overhead <= 10 ms at one stream; 500 concurrent streams with zero errors and RSS < 500 MB.
The load generator runs on the same machine (2 cores here) and competes with the server for CPU, so
the concurrent figures over-state the server's latency; `server_cpu_ms_per_turn` (the API process's
CPU time per turn) is the figure that does not depend on what else the machine is doing.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx
import psutil

from bench.common import ADMIN, bench_server, login, percentile, report, rss_mb

# (concurrent streams, turns per stream)
LEVELS = ((1, 200), (50, 8), (500, 2))
WARMUP_TURNS = 30
QUESTION = "What does the release checklist say about database migrations?"


@dataclass
class Level:
    """What one concurrency level measured."""

    first_chunk_ms: list[float] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)
    closed_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)


async def one_turn(client: httpx.AsyncClient, assistant_id: str, level: Level) -> None:
    """One streamed turn in a new conversation."""
    body = {"text": QUESTION, "stream": True, "conversation_id": f"bench-{uuid.uuid4()}"}
    started = time.perf_counter()
    first: float | None = None
    last: dict[str, object] | None = None
    answered = 0.0
    try:
        async with client.stream("POST", f"/v1/assistants/{assistant_id}/model", json=body) as response:
            if response.status_code != 200:
                raise RuntimeError(f"status {response.status_code}: {(await response.aread())[:200]!r}")
            async for line in response.aiter_lines():
                if not line:
                    continue
                record = json.loads(line)
                if first is None and record.get("generated_chunk"):
                    first = time.perf_counter()
                if record.get("last"):
                    last, answered = record, time.perf_counter()
        ended = time.perf_counter()
        if last is None or last.get("success") is not True or first is None:
            raise RuntimeError(f"incomplete stream: {last}")
    except Exception as exc:  # counted, not raised: the benchmark reports errors
        level.errors += 1
        if len(level.error_samples) < 3:
            cause = exc.__cause__ or exc.__context__
            detail = f" (from {type(cause).__name__}: {cause})" if cause else ""
            phase = "before the first chunk" if first is None else "mid-stream"
            level.error_samples.append(f"{type(exc).__name__}: {exc}{detail}, {phase}"[:300])
        return
    level.first_chunk_ms.append((first - started) * 1000)
    level.total_ms.append((answered - started) * 1000)
    level.closed_ms.append((ended - started) * 1000)


async def run_level(url: str, token: str, assistant_id: str, streams: int, turns: int) -> Level:
    """`streams` concurrent clients, each running `turns` turns back to back."""
    level = Level()
    # At 500 streams the load generator is starved of CPU and may reuse a connection seconds after the
    # server closed it (its keep-alive is 5 s): a client artefact, so that level opens a connection per turn.
    keepalive = streams if streams <= 50 else 0
    limits = httpx.Limits(max_connections=streams, max_keepalive_connections=keepalive, keepalive_expiry=2.0)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=120) as client:

        async def worker() -> None:
            for _ in range(turns):
                await one_turn(client, assistant_id, level)

        await asyncio.gather(*(worker() for _ in range(streams)))
    return level


def create_assistant(url: str, token: str) -> str:
    """A tool-less assistant on the mock model in the admin's own project."""
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "name": "bench assistant",
        "description": "overhead benchmark",
        "system_prompt": "You answer {{ current_user }}'s questions briefly.",
        "project": ADMIN["email"],
        "llm_model_type": "mock",
        "toolkits": [],
    }
    response = httpx.post(f"{url}/v1/assistants", json=body, headers=headers, timeout=30)
    response.raise_for_status()
    return str(response.json()["assistantId"])


class PeakRSS:
    """Samples a process's RSS in the background; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(0.05)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb(self.pid))


def main() -> None:
    """Run the levels and print the figures."""
    rows: list[dict[str, object]] = []
    with bench_server({"CODEMILL_LLM__MOCK_TOKEN_DELAY_MS": "0", "CODEMILL_LOG_LEVEL": "WARNING"}) as server:
        token = login(server)
        assistant_id = create_assistant(server.url, token)
        asyncio.run(run_level(server.url, token, assistant_id, 1, WARMUP_TURNS))
        idle = rss_mb(server.process.pid)
        for streams, turns in LEVELS:
            process = psutil.Process(server.process.pid)
            with PeakRSS(server.process.pid) as memory:
                cpu_before = sum(process.cpu_times()[:2])
                started = time.perf_counter()
                level = asyncio.run(run_level(server.url, token, assistant_id, streams, turns))
                wall = time.perf_counter() - started
                cpu = sum(process.cpu_times()[:2]) - cpu_before
            done = len(level.total_ms)
            rows.append(
                {
                    "streams": streams,
                    "turns": done + level.errors,
                    "errors": level.errors,
                    "first_chunk_p50_ms": percentile(level.first_chunk_ms, 50),
                    "first_chunk_p99_ms": percentile(level.first_chunk_ms, 99),
                    "total_p50_ms": percentile(level.total_ms, 50),
                    "total_p99_ms": percentile(level.total_ms, 99),
                    "closed_p50_ms": percentile(level.closed_ms, 50),
                    "turns_per_s": round(done / wall, 1) if wall else 0.0,
                    "server_cpu_ms_per_turn": round(cpu * 1000 / max(done, 1), 2),
                    "peak_rss_mb": memory.peak,
                }
            )
            for sample in level.error_samples:
                print(f"  error at {streams} streams: {sample}")
        rows.append({"streams": 0, "turns": 0, "errors": 0, "peak_rss_mb": idle})
    report(
        "chat_overhead",
        rows,
        {"total_p50_ms_at_1_stream_max": 10, "errors_at_500_streams": 0, "rss_mb_at_500_streams_max": 500},
    )


if __name__ == "__main__":
    main()
