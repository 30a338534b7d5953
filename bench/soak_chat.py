"""Soak: 500 concurrent streaming chats against one API process for a while (default 10 minutes).

Each of `--streams` clients chats back to back with the mock LLM (a delay per token, so turns stream for
a moment as real answers do), five turns per conversation and then a new one. Figures: turns and errors,
first-chunk latency p50/p99 after warm-up, and the API process's RSS after warm-up and at the end: it
must stay flat (within 10 %) while the same work repeats; growth means something is kept per turn.

`python -m bench soak_chat --minutes 3 [--streams 500] [--token-delay-ms 20]`. The load generator runs on
the same machine and competes with the server for CPU: the latencies over-state the server's own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from dataclasses import dataclass, field

import httpx

from bench.chat_overhead import create_assistant
from bench.common import bench_server, login, percentile, report, rss_mb

QUESTION = "What does the release checklist say about database migrations?"
TURNS_PER_CONVERSATION = 5
RSS_SAMPLE_SECONDS = 5.0


@dataclass
class Soak:
    """What the soak saw."""

    deadline: float
    warm_after: float
    turns: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    first_chunk_ms: list[float] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, MB)


def options() -> argparse.Namespace:
    """--minutes, --streams, --token-delay-ms (after `soak_chat` when run through `python -m bench`)."""
    parser = argparse.ArgumentParser(prog="python -m bench soak_chat")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--token-delay-ms", type=float, default=20.0)
    args = sys.argv[sys.argv.index("soak_chat") + 1 :] if "soak_chat" in sys.argv else sys.argv[1:]
    known, _ = parser.parse_known_args(args)
    return known


async def one_turn(client: httpx.AsyncClient, assistant_id: str, conversation_id: str, soak: Soak) -> None:
    """One streamed turn; errors are counted, not raised."""
    body = {"text": QUESTION, "stream": True, "conversation_id": conversation_id}
    started = time.perf_counter()
    first: float | None = None
    last: dict[str, object] | None = None
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
                    last = record
        if last is None or last.get("success") is not True or first is None:
            raise RuntimeError(f"incomplete stream: {last}")
    except Exception as exc:
        soak.errors += 1
        if len(soak.error_samples) < 5:
            soak.error_samples.append(f"{type(exc).__name__}: {exc}"[:300])
        return
    soak.turns += 1
    if started >= soak.warm_after:
        soak.first_chunk_ms.append((first - started) * 1000)


async def client_loop(client: httpx.AsyncClient, assistant_id: str, soak: Soak) -> None:
    """One user chatting until the deadline: a few turns per conversation, then a new one."""
    while time.perf_counter() < soak.deadline:
        conversation_id = f"soak-{uuid.uuid4()}"
        for _ in range(TURNS_PER_CONVERSATION):
            if time.perf_counter() >= soak.deadline:
                return
            await one_turn(client, assistant_id, conversation_id, soak)


async def sample_rss(pid: int, soak: Soak, started: float) -> None:
    """The server's RSS every few seconds until the deadline."""
    while time.perf_counter() < soak.deadline:
        soak.rss.append((time.perf_counter() - started, rss_mb(pid)))
        await asyncio.sleep(RSS_SAMPLE_SECONDS)


async def run(url: str, token: str, assistant_id: str, pid: int, minutes: float, streams: int) -> Soak:
    """Run the soak; warm-up is the first 20 % of the time (at most two minutes)."""
    started = time.perf_counter()
    duration = minutes * 60
    soak = Soak(deadline=started + duration, warm_after=started + min(duration * 0.2, 120.0))
    # Many streams from one client process: a connection per turn (a starved client would reuse closed ones).
    limits = httpx.Limits(max_connections=streams, max_keepalive_connections=0)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=120) as client:
        await asyncio.gather(
            sample_rss(pid, soak, started), *(client_loop(client, assistant_id, soak) for _ in range(streams))
        )
    soak.rss.append((time.perf_counter() - started, rss_mb(pid)))
    return soak


def main() -> None:
    """Run the soak and print the figures."""
    args = options()
    env = {"CODEMILL_LLM__MOCK_TOKEN_DELAY_MS": str(args.token_delay_ms), "CODEMILL_LOG_LEVEL": "WARNING"}
    with bench_server(env) as server:
        token = login(server)
        assistant_id = create_assistant(server.url, token)
        idle = rss_mb(server.process.pid)
        soak = asyncio.run(run(server.url, token, assistant_id, server.process.pid, args.minutes, args.streams))
    warm_seconds = min(args.minutes * 60 * 0.2, 120.0)
    after_warmup = next((mb for at, mb in soak.rss if at >= warm_seconds), soak.rss[-1][1])
    at_end = soak.rss[-1][1]
    growth = round((at_end - after_warmup) / after_warmup * 100, 1) if after_warmup else float("nan")
    for sample in soak.error_samples:
        print(f"  error: {sample}")
    report(
        "soak_chat",
        [
            {
                "minutes": args.minutes,
                "streams": args.streams,
                "turns": soak.turns,
                "errors": soak.errors,
                "turns_per_s": round(soak.turns / (args.minutes * 60), 1),
                "first_chunk_p50_ms": percentile(soak.first_chunk_ms, 50),
                "first_chunk_p99_ms": percentile(soak.first_chunk_ms, 99),
                "rss_idle_mb": idle,
                "rss_after_warmup_mb": after_warmup,
                "rss_end_mb": at_end,
                "rss_max_mb": max(mb for _, mb in soak.rss),
                "rss_growth_pct": growth,
            }
        ],
        {"errors": 0, "rss_growth_pct_max": 10},
    )


if __name__ == "__main__":
    main()
