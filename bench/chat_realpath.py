"""Chat turn cost on the real provider path, measured from outside (issue #20's method).

An OpenAI-compatible mock upstream runs in its own process (`bench/realpath/mock_upstream.py`, 50
content chunks); `codemill serve` runs on its own embedded PostgreSQL (and NATS) with the mock as an
ordinary OpenAI-compatible catalogue model; the load driver (`bench/realpath/loadgen.py`) streams chats
through `POST /v1/assistants/{id}/model`, a fresh conversation per chat, and, in the same run, the same
load straight to the upstream (the baseline). Per level: first-chunk and whole-answer p50/p99, chats/s,
CPU ms of the target's whole process tree (API workers, PostgreSQL backends, NATS) per chat, and the
tree's RSS before and at peak.

Modes: `fast` (no delay per chunk; 1 and 50 concurrent chats) and `paced` (20 ms per chunk: 1-second
answers, 500 concurrent chats held). `python -m bench chat_realpath [--workers=N] [--mode=fast|paced|all]
[--requests=N]`.

Targets (issue #20): overhead at one chat <= +5 ms first chunk and <= +10 ms whole answer (p50); <= 6 ms
CPU per chat; >= 150 chats/s at 50 with one worker; 500 paced chats with 0 errors, first chunk p99 <=
200 ms, tree RSS <= 600 MB at peak and <= 250 MB idle.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.common import ADMIN, report
from bench.realpath.loadgen import tree_rss_cpu
from codemill.kit.net import free_port

HERE = Path(__file__).resolve().parent / "realpath"
ROOT = Path(__file__).resolve().parents[1]
TOKENS = 50


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process, stopped (SIGTERM, then SIGKILL) on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 120.0) -> None:
    """Wait until `url` answers 200 (fail loudly when the process exits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not healthy after {timeout}s:\n{log.read_text()[-4000:]}")


def upstream(stack: ExitStack, root: Path, delay_ms: float) -> int:
    """Start one mock upstream; its port."""
    port = free_port()
    args = [sys.executable, str(HERE / "mock_upstream.py"), "--port", str(port), "--tokens", str(TOKENS)]
    proc = stack.enter_context(process([*args, "--delay-ms", str(delay_ms)], dict(os.environ), root / f"up{port}.log"))
    wait_healthy(f"http://127.0.0.1:{port}/health", proc, root / f"up{port}.log")
    return port


def codemill(stack: ExitStack, root: Path, fast: int, paced: int, workers: int) -> tuple[str, Path]:
    """`codemill serve` on its own embedded PostgreSQL with both upstreams in its catalogue; (url, pidfile)."""
    catalogue = root / "catalogue.yaml"
    models = [
        {"base_name": "mock-gpt", "api": "openai", "base_url": f"http://127.0.0.1:{fast}/v1", "default": True},
        {"base_name": "mock-gpt-paced", "api": "openai", "base_url": f"http://127.0.0.1:{paced}/v1"},
    ]
    catalogue.write_text(json.dumps({"llm_models": models}))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMILL_")}
    env.update(
        {
            "CODEMILL_DATA_DIR": str(root / "data"),
            "CODEMILL_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
            "CODEMILL_BOOTSTRAP_ADMIN_EMAIL": ADMIN["email"],
            "CODEMILL_BOOTSTRAP_ADMIN_PASSWORD": ADMIN["password"],
            "CODEMILL_LLM__CATALOGUE": str(catalogue),
            "CODEMILL_LLM__BASE_URL": f"http://127.0.0.1:{fast}/v1",
            "CODEMILL_LOG_LEVEL": "WARNING",
        }
    )
    args = [sys.executable, "-m", "codemill", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = root / "codemill.log"
    proc = stack.enter_context(process([*args, "--workers", str(workers)], env, log))
    url = f"http://127.0.0.1:{port}"
    wait_healthy(f"{url}/v1/healthcheck", proc, log, timeout=180)
    pidfile = root / "codemill.pid"
    pidfile.write_text(str(proc.pid))
    return url, pidfile


def assistant(url: str) -> tuple[str, str]:
    """(token, assistant id): a tool-less assistant on the fast upstream model."""
    login = httpx.post(f"{url}/v1/local-auth/login", json=ADMIN, timeout=30)
    login.raise_for_status()
    token = str(login.json()["access_token"])
    body = {
        "name": "bench assistant",
        "description": "real-path benchmark",
        "system_prompt": "You answer {{ current_user }}'s questions briefly.",
        "project": ADMIN["email"],
        "llm_model_type": "mock-gpt",
        "toolkits": [],
    }
    created = httpx.post(f"{url}/v1/assistants", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    created.raise_for_status()
    return token, str(created.json()["assistantId"])


def drive(root: Path, target: dict[str, Any], levels: str, requests: str, upstream_port: int) -> list[dict[str, Any]]:
    """Run the load driver on one target; its per-level results."""
    spec = root / f"{target['name']}.json"
    spec.write_text(json.dumps(target))
    args = [sys.executable, str(HERE / "loadgen.py"), "--target", str(spec), "--concurrency", levels]
    args += ["--requests", requests, "--warmup", "20", "--pause", "1", "--settle", "2", "--timeout", "120"]
    args += ["--upstream-stats", f"http://127.0.0.1:{upstream_port}/_stats"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return list(json.loads(line[len("RESULT ") :])["levels"])
    raise RuntimeError(f"loadgen failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


def idle_tree(pid: int, seconds: float = 10.0) -> tuple[float, float]:
    """(RSS MiB, CPU ms per second) of the idle tree: its background work (sweeps, job polling, NATS)."""
    _, cpu0 = tree_rss_cpu([pid])
    time.sleep(seconds)
    rss, cpu1 = tree_rss_cpu([pid])
    return round(rss or 0.0, 1), round(((cpu1 or 0.0) - (cpu0 or 0.0)) * 1000 / seconds, 2)


def row(
    name: str, level: dict[str, Any], direct: dict[str, Any] | None, idle_cpu_ms_per_s: float = 0.0
) -> dict[str, Any]:
    """One table row (with the overhead over the direct baseline of the same level)."""

    def delta(key: str) -> float | None:
        if direct is None or level[key]["p50"] is None or direct[key]["p50"] is None:
            return None
        return round(level[key]["p50"] - direct[key]["p50"], 2)

    return {
        "target": name,
        "conc": level["concurrency"],
        "ok": level["ok"],
        "err": level["errors"],
        "chats_per_s": level["rps"],
        "first_p50_ms": level["ttfc_ms"]["p50"],
        "first_p99_ms": level["ttfc_ms"]["p99"],
        "total_p50_ms": level["total_ms"]["p50"],
        "d_first_p50_ms": delta("ttfc_ms"),
        "d_total_p50_ms": delta("total_ms"),
        "cpu_ms_per_chat": level["target_cpu_ms_per_req"],
        # Less the idle tree's own CPU over the level's wall time (it counts more the slower the machine).
        "cpu_ms_per_chat_net": round(
            level["target_cpu_ms_per_req"]
            - idle_cpu_ms_per_s * level["wall_s"] / max(level["ok"] + level["errors"], 1),
            2,
        )
        if level["target_cpu_ms_per_req"] is not None
        else None,
        "rss_before_mib": level["rss_mib"]["before"],
        "rss_peak_mib": level["rss_mib"]["peak"],
    }


def main() -> None:
    """Run the modes asked for (argv after the bench name) and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench chat_realpath")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--mode", choices=["fast", "paced", "all"], default="all")
    parser.add_argument("--requests", type=int, default=300, help="chats per fast level")
    parser.add_argument("--keep", action="store_true", help="keep the server running; print how to reach it")
    argv = sys.argv[sys.argv.index("chat_realpath") + 1 :] if "chat_realpath" in sys.argv else sys.argv[1:]
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="codemill-realpath-") as tmp, ExitStack() as stack:
        root = Path(tmp)
        fast, paced = upstream(stack, root, 0), upstream(stack, root, 20)
        url, pidfile = codemill(stack, root, fast, paced, args.workers)
        token, assistant_id = assistant(url)
        idle_rss, idle_cpu = idle_tree(int(pidfile.read_text()))
        os.environ["CODEMILL_TOKEN"] = token
        codemill_target = {
            "name": "codemill",
            "base_url": url,
            "path": f"/v1/assistants/{assistant_id}/model",
            "headers": {"Authorization": "Bearer ${CODEMILL_TOKEN}", "Accept-Encoding": "identity"},
            "payload": {"text": "Say hello, request {{i}}.", "stream": True, "conversation_id": "{{uuid}}"},
            "content": "ndjson:generated_chunk",
            "pidfile": str(pidfile),
        }
        if args.keep:
            print(f"codemill at {url}, pid {pidfile.read_text()}, assistant {assistant_id}; token in CODEMILL_TOKEN")
            print(f"export CODEMILL_TOKEN={token}", flush=True)
            signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops it cleanly too
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return
        if args.mode in ("fast", "all"):
            direct_target = {
                "name": "direct",
                "base_url": f"http://127.0.0.1:{fast}",
                "path": "/v1/chat/completions",
                "payload": {
                    "model": "mock-gpt",
                    "stream": True,
                    "messages": [{"role": "user", "content": "hi {{i}}"}],
                },
                "content": "openai-sse",
            }
            n = f"{args.requests // 2},{args.requests}"
            direct = drive(root, direct_target, "1,50", n, fast)
            mill = drive(root, codemill_target, "1,50", n, fast)
            rows += [row("direct", d, None) for d in direct]
            rows += [row(f"codemill w={args.workers}", m, d, idle_cpu) for m, d in zip(mill, direct, strict=True)]
        if args.mode in ("paced", "all"):
            paced_direct = {
                "name": "direct-paced",
                "base_url": f"http://127.0.0.1:{paced}",
                "path": "/v1/chat/completions",
                "payload": {"model": "mock-gpt", "stream": True, "messages": [{"role": "user", "content": "hi {{i}}"}]},
                "content": "openai-sse",
            }
            paced_mill = {**codemill_target, "name": "codemill-paced"}
            paced_mill["payload"] = {**codemill_target["payload"], "llm_model": "mock-gpt-paced"}
            direct = drive(root, paced_direct, "500", "1000", paced)
            mill = drive(root, paced_mill, "500", "1000", paced)
            rows += [row("direct paced", d, None) for d in direct]
            rows += [row(f"codemill paced w={args.workers}", m, d, idle_cpu) for m, d in zip(mill, direct, strict=True)]
        # Last: the table's columns are the first row's.
        idle = {"target": f"codemill w={args.workers} idle", "rss_before_mib": idle_rss}
        rows.append(idle | {"idle_cpu_ms_per_s": idle_cpu})
    report(
        "chat_realpath",
        rows,
        {
            "d_first_p50_ms_at_1_max": 5,
            "d_total_p50_ms_at_1_max": 10,
            "cpu_ms_per_chat_max": 6,
            "chats_per_s_at_50_min": 150,
            "paced_500_errors": 0,
            "paced_500_first_p99_ms_max": 200,
            "rss_peak_mib_max": 600,
            "rss_idle_mib_max": 250,
        },
    )


if __name__ == "__main__":
    main()
