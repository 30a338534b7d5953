"""Authenticated GET /v1/user under concurrent load (requests/s, p50/p99) and the API process's idle RSS.

Targets: >= 1,000 req/s from one API process on this machine; idle RSS < 150 MB (PostgreSQL not counted).
Load comes from `wrk` (apt: wrk) when installed, otherwise from an asyncio httpx client (slower, and it
competes with the server for the same cores, so it under-reports).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time

import httpx

from bench.common import bench_server, login, percentile, report, rss_mb

DURATION_S = 15
CONNECTIONS = (16, 64)


def _wrk(url: str, token: str, connections: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{DURATION_S}s",
            "--latency",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)

    def pct(label: str) -> float:
        match = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        if match is None:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {"rps": rps, "p50_ms": pct("50"), "p99_ms": pct("99"), "errors": float(errors.group(1)) if errors else 0.0}


async def _httpx_load(url: str, token: str, connections: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + DURATION_S
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, limits=limits) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(url)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "errors": float(errors),
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    with bench_server() as server:
        time.sleep(3)
        idle = rss_mb(server.process.pid)
        token = login(server)
        url = f"{server.url}/v1/user"
        httpx.get(url, headers={"Authorization": f"Bearer {token}"}).raise_for_status()
        tool = "wrk" if shutil.which("wrk") else "httpx"
        rows = []
        for connections in CONNECTIONS:
            figures = (
                _wrk(url, token, connections) if tool == "wrk" else asyncio.run(_httpx_load(url, token, connections))
            )
            rows.append({"load": tool, "connections": connections, **figures, "rss_mb": rss_mb(server.process.pid)})
        rows.append(
            {"load": "idle", "connections": 0, "rps": 0.0, "p50_ms": 0.0, "p99_ms": 0.0, "errors": 0.0, "rss_mb": idle}
        )
    report("api_user", rows, {"rps_min": 1000, "idle_rss_mb_max": 150})


if __name__ == "__main__":
    main()
