"""MCP Connect: tools/call through `codemill mcp-connect` to a warm stdio MCP server (mcp SDK) on loopback.

1. Overhead: sequential calls over one keep-alive connection; overhead = what the caller waited minus
   the tool's own time (it reports it). It covers HTTP to the bridge, the body's validation, the
   JSON-RPC round trip over the server's stdin/stdout and the MCP SDK on both sides. Target: p50 <= 5 ms.
   The "direct" row is an in-process SDK client calling the same server without the bridge: the
   bridge's own share is the difference of the two p50s (bridge_share_p50_ms).
2. Load: 200 concurrent calls to the same warm server; every answer must come back to its own caller
   (none lost, none mixed up). The stdio server answers one request at a time, so this measures queueing.

The client, the bridge and the server share this machine (2 cores here).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from mcp.client.stdio import stdio_client

from bench.common import percentile, report
from codemill.kit.net import free_port
from mcp import ClientSession, StdioServerParameters

ROOT = Path(__file__).resolve().parents[1]
CALLS, WARMUP, CONCURRENT = 1000, 100, 200
TOKEN = "bench-token"
SERVER = {"serverPath": "python", "args": ["-m", "bench.mcp_server_timed"]}


def _body(text: str) -> dict[str, Any]:
    return {**SERVER, "method": "tools/call", "params": {"name": "timed_echo", "arguments": {"text": text}}}


def _start_bridge(port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")}
    env |= {
        "CODEMILL_MCP_CONNECT__TOKEN": TOKEN,
        "CODEMILL_MCP_CONNECT__ALLOWED_COMMANDS": '["python -m bench.mcp_server_timed"]',
        "CODEMILL_LOG_LEVEL": "WARNING",
    }
    codemill = Path(sys.executable).parent / "codemill"
    process = subprocess.Popen(
        [str(codemill), "mcp-connect", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("codemill mcp-connect did not start")


async def _call(client: httpx.AsyncClient, text: str) -> tuple[float, float, str]:
    started = time.perf_counter_ns()
    response = await client.post("/bridge", json=_body(text))
    waited = time.perf_counter_ns() - started
    response.raise_for_status()
    answer = json.loads(response.json()["content"][0]["text"])
    return waited / 1e6, answer["tool_ns"] / 1e6, str(answer["echo"])


async def overhead(url: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        for i in range(WARMUP):
            await _call(client, f"warm {i}")
        waits, tools = [], []
        for i in range(CALLS):
            waited, tool, _ = await _call(client, f"call {i}")
            waits.append(waited)
            tools.append(tool)
    extra = [w - t for w, t in zip(waits, tools, strict=True)]
    return {
        "case": f"sequential x{CALLS}",
        "p50_ms": percentile(waits, 50),
        "p99_ms": percentile(waits, 99),
        "tool_p50_ms": percentile(tools, 50),
        "overhead_p50_ms": percentile(extra, 50),
        "overhead_p99_ms": percentile(extra, 99),
        "lost": 0,
    }


async def direct() -> dict[str, Any]:
    """The same calls from an in-process mcp SDK client straight to the server: the floor the bridge adds to."""
    params = StdioServerParameters(command=sys.executable, args=SERVER["args"], cwd=ROOT)
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        waits, tools = [], []
        for i in range(WARMUP + CALLS):
            started = time.perf_counter_ns()
            result = await session.call_tool("timed_echo", {"text": f"direct {i}"})
            waited = (time.perf_counter_ns() - started) / 1e6
            if i >= WARMUP:
                waits.append(waited)
                tools.append(json.loads(result.content[0].text)["tool_ns"] / 1e6)  # type: ignore[union-attr]
    extra = [w - t for w, t in zip(waits, tools, strict=True)]
    return {
        "case": f"direct SDK client x{CALLS}",
        "p50_ms": percentile(waits, 50),
        "p99_ms": percentile(waits, 99),
        "tool_p50_ms": percentile(tools, 50),
        "overhead_p50_ms": percentile(extra, 50),
        "overhead_p99_ms": percentile(extra, 99),
        "lost": 0,
    }


async def load(url: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    limits = httpx.Limits(max_connections=CONCURRENT)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120, limits=limits) as client:
        await _call(client, "warm")
        started = time.perf_counter()
        results = await asyncio.gather(*(_call(client, f"load {i}") for i in range(CONCURRENT)), return_exceptions=True)
        wall = time.perf_counter() - started
    good = [r for i, r in enumerate(results) if not isinstance(r, BaseException) and r[2] == f"load {i}"]
    waits = [r[0] for r in good]
    return {
        "case": f"{CONCURRENT} concurrent",
        "p50_ms": percentile(waits, 50),
        "p99_ms": percentile(waits, 99),
        "tool_p50_ms": percentile([r[1] for r in good], 50),
        "overhead_p50_ms": float("nan"),
        "overhead_p99_ms": float("nan"),
        "lost": CONCURRENT - len(good),
        "calls_per_s": len(good) / wall,
    }


def main() -> None:
    """Run both cases against one bridge process."""
    port = free_port()
    bridge = _start_bridge(port)
    try:
        url = f"http://127.0.0.1:{port}"
        rows = [asyncio.run(direct()), asyncio.run(overhead(url)), asyncio.run(load(url))]
    finally:
        bridge.terminate()
        bridge.wait(15)
    rows[1]["bridge_share_p50_ms"] = rows[1]["p50_ms"] - rows[0]["p50_ms"]
    report("mcp_bridge", rows, {"overhead_p50_ms": 5.0, "bridge_share_p50_ms": 5.0, "lost": 0})


if __name__ == "__main__":
    main()
