"""Plugin tool calls over the real NATS (embedded server, auth callout) on loopback.

1. Round-trip overhead: PluginClient.call_tool against a plugin in another process whose tool times
   itself; overhead = what the caller waited minus the tool's own time. p50/p99 over sequential calls.
   Target: p50 <= 2 ms.
2. The real codemie-plugins CLI (when `.venv-plugins` exists, `make plugins-cli`): reading a file;
   its figure includes the CLI's own LangChain tool call and console output.
3. Load: 1,000 concurrent calls spread over 50 in-process plugins (25 keys x 2 labels), the tool
   answering at once or after 20 ms; every reply must come back to its own caller (no loss, no
   mix-up). A plugin runs one call at a time, as the CLI does (nats-py runs a subscription's
   callbacks in turn), so with 20 calls queued per plugin the 20 ms tool puts a ~400 ms floor under
   the latency: that row shows queueing at the plugins, the 0 ms row the engine's own throughput.

The load generator, the plugins and nats-server share this machine (2 cores here).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from bench.common import percentile, report
from codemill.plugins import (
    AuthCalloutService,
    InMemoryPluginKeyVerifier,
    PluginClient,
    PluginKeyIdentity,
    generate_plugin_key,
)
from codemill.plugins.embedded import EmbeddedNats
from codemill.plugins.fake_plugin import FakePlugin, FakeTool
from codemill.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ROUNDTRIPS, WARMUP = 2000, 200
CLI_CALLS = 200
LOAD_CALLS, LOAD_KEYS, LOAD_LABELS, LOAD_TOOL_SECONDS = 1000, 25, 2, (0.0, 0.02)

# A plugin in its own process; its tool reports how long it ran.
_PLUGIN_PROCESS = textwrap.dedent(
    """
    import asyncio, json, sys, time
    from codemill.plugins.fake_plugin import FakePlugin, FakeTool

    async def timed_echo(args):
        started = time.perf_counter_ns()
        text = json.dumps(args)
        return json.dumps({"echo": text, "tool_ns": time.perf_counter_ns() - started})

    async def main():
        plugin = FakePlugin(sys.argv[1], sys.argv[2], [FakeTool("_echo", timed_echo)], label="bench")
        await plugin.start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)


def _ms(ns: float) -> float:
    return ns / 1e6


async def roundtrip(client: PluginClient, url: str, key: str) -> dict[str, Any]:
    # Asynchronously: the auth callout answering the plugin's connect runs on this event loop.
    plugin = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _PLUGIN_PROCESS, url, key, stdout=asyncio.subprocess.PIPE, cwd=ROOT
    )
    try:
        assert plugin.stdout is not None
        first = (await asyncio.wait_for(plugin.stdout.readline(), 60)).decode().strip()
        assert first == "ready", f"the plugin process did not start: {first!r}"
        overhead, total = [], []
        for i in range(WARMUP + ROUNDTRIPS):
            started = time.perf_counter_ns()
            reply = json.loads(await client.call_tool(key, "bench", "_echo", {"i": i}, timeout=10))
            elapsed = time.perf_counter_ns() - started
            if i >= WARMUP:
                total.append(_ms(elapsed))
                overhead.append(_ms(elapsed - reply["tool_ns"]))
    finally:
        plugin.kill()
        await plugin.wait()
    return {
        "scenario": "round trip, plugin in another process",
        "calls": ROUNDTRIPS,
        "overhead_p50_ms": percentile(overhead, 50),
        "overhead_p99_ms": percentile(overhead, 99),
        "total_p50_ms": percentile(total, 50),
        "total_p99_ms": percentile(total, 99),
        "errors": 0,
    }


async def real_cli(client: PluginClient, url: str, key: str, workdir: Path) -> dict[str, Any] | None:
    cli = ROOT / ".venv-plugins" / "bin" / "codemie-plugins"
    if not cli.is_file():
        return None
    repo = workdir / "repo"
    repo.mkdir()
    (repo / "notes.txt").write_text("benchmark file\n" * 20)
    home = workdir / "home"
    home.mkdir()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "PLUGIN_KEY": key, "PLUGIN_ENGINE_URI": url}
    process = subprocess.Popen(
        [str(cli), "development", "run", "--repo-path", str(repo)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(240):
            if await client.list_tools(key, "repo"):
                break
            await asyncio.sleep(0.25)
        total = []
        for _ in range(CLI_CALLS):
            started = time.perf_counter_ns()
            await client.call_tool(key, "repo", "_read_file_from_file_system", {"file_path": "notes.txt"}, timeout=30)
            total.append(_ms(time.perf_counter_ns() - started))
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return {
        "scenario": "read_file via the real codemie-plugins CLI",
        "calls": CLI_CALLS,
        "overhead_p50_ms": None,
        "overhead_p99_ms": None,
        "total_p50_ms": percentile(total, 50),
        "total_p99_ms": percentile(total, 99),
        "errors": 0,
    }


async def load(
    client: PluginClient, url: str, verifier: InMemoryPluginKeyVerifier, tool_seconds: float
) -> dict[str, Any]:
    keys = [generate_plugin_key() for _ in range(LOAD_KEYS)]
    plugins: list[FakePlugin] = []
    for n, key in enumerate(keys):
        verifier.add(key, PluginKeyIdentity(f"bench-load-{n}-{tool_seconds}"))
        for label in range(LOAD_LABELS):

            async def work(args: dict[str, Any], who: str = f"{n}/{label}") -> str:
                await asyncio.sleep(tool_seconds)
                return f"{who}:{args['call']}"

            plugins.append(FakePlugin(url, key, [FakeTool("_work", work)], label=f"l{label}"))
    await asyncio.gather(*(plugin.start() for plugin in plugins))
    latencies: list[float] = []
    errors: list[str] = []

    async def one(call: int) -> str | None:
        key_index, label = call % LOAD_KEYS, (call // LOAD_KEYS) % LOAD_LABELS
        started = time.perf_counter_ns()
        try:
            result = await client.call_tool(keys[key_index], f"l{label}", "_work", {"call": call}, timeout=30)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            return None
        latencies.append(_ms(time.perf_counter_ns() - started))
        return result

    try:
        started = time.perf_counter()
        results = await asyncio.gather(*(one(call) for call in range(LOAD_CALLS)))
        wall = time.perf_counter() - started
    finally:
        await asyncio.gather(*(plugin.stop() for plugin in plugins))
    expected = [f"{c % LOAD_KEYS}/{(c // LOAD_KEYS) % LOAD_LABELS}:{c}" for c in range(LOAD_CALLS)]
    lost = sum(1 for got, want in zip(results, expected, strict=True) if got != want)
    return {
        "scenario": f"{LOAD_CALLS} concurrent calls, {len(plugins)} plugins, tool {tool_seconds * 1000:g} ms",
        "calls": LOAD_CALLS,
        "overhead_p50_ms": None,
        "overhead_p99_ms": None,
        "total_p50_ms": percentile(latencies, 50),
        "total_p99_ms": percentile(latencies, 99),
        "wall_s": round(wall, 3),
        "calls_per_s": round(LOAD_CALLS / wall),
        "errors": len(errors),
        "lost_or_mixed": lost,
        "error_sample": errors[:1],
    }


async def run() -> None:
    with tempfile.TemporaryDirectory(prefix="codemill-bench-plugins-") as tmp:
        server = EmbeddedNats(Settings(data_dir=Path(tmp) / "data"))
        credentials = server.start()
        verifier = InMemoryPluginKeyVerifier()
        callout = AuthCalloutService(credentials, verifier)
        await callout.start()
        client = await PluginClient.connect(credentials)
        try:
            rows = []
            key = generate_plugin_key()
            verifier.add(key, PluginKeyIdentity("bench-roundtrip"))
            rows.append(await roundtrip(client, credentials.url, key))
            cli_key = generate_plugin_key()
            verifier.add(cli_key, PluginKeyIdentity("bench-cli"))
            if cli_row := await real_cli(client, credentials.url, cli_key, Path(tmp)):
                rows.append(cli_row)
            for tool_seconds in LOAD_TOOL_SECONDS:
                rows.append(await load(client, credentials.url, verifier, tool_seconds))
        finally:
            await client.close()
            await callout.stop()
            server.stop()
    columns = ["scenario", "calls", "overhead_p50_ms", "overhead_p99_ms", "total_p50_ms", "total_p99_ms"]
    columns += ["wall_s", "calls_per_s", "errors", "lost_or_mixed", "error_sample"]
    rows = [{c: row.get(c) for c in columns} for row in rows]
    report("plugin_roundtrip", rows, {"overhead_p50_ms": 2.0, "errors": 0, "lost_or_mixed": 0})


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
