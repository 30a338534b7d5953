#!/usr/bin/env python3
"""Bounded streaming-chat load driver (asyncio + httpx).

Drives one *target* (a platform's chat endpoint, or the mock upstream directly) at a list of
concurrency levels and records per request: time to first content chunk (TTFC) and total time.
Per level it prints p50/p99 of both, requests/s, errors, the target's process-tree RSS
(before / peak / after) and CPU time per request, and how many upstream calls the mock saw per
request. At the end it prints one JSON line (``RESULT {...}``) and can append it to a file.

A target is a JSON file (see README.md) and/or flags:
  {"name": "litellm", "base_url": "http://127.0.0.1:4000", "path": "/v1/chat/completions",
   "headers": {"Authorization": "Bearer sk-bench"},
   "payload": {"model": "mock-gpt", "stream": true,
               "messages": [{"role": "user", "content": "hello {{i}}"}]},
   "content": "openai-sse", "pidfile": "/path/platform.pids"}

``{{i}}`` (request number) and ``{{uuid}}`` are substituted in every string of the payload.
``${VAR}`` in header values is read from the environment.
content modes:
  openai-sse            SSE ``data:`` lines, content at choices[0].delta.content (stops at [DONE])
  sse-json:<a.b.0.c>    SSE ``data:`` JSON lines, content at that dotted path
  ndjson:<a.b.0.c>      one JSON object per line, content at that dotted path
  first-byte            any body bytes count as content

Every loop is bounded: at most --requests per level, at most --level-timeout seconds per level,
at most --timeout seconds per request; then the script exits by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import re
import resource
import ssl
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import httpx

try:
    import psutil
except ImportError:  # RSS/CPU columns are left empty without psutil
    psutil = None


# --------------------------------------------------------------------------- target


@dataclass
class Target:
    name: str
    base_url: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    payload: Any = None
    content: str = "openai-sse"
    pidfile: str | None = None
    pids: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + "/" + self.path.lstrip("/")


def _expand_env(s: str) -> str:
    """${VAR} or ${VAR:-default} from the environment."""
    return re.sub(r"\$\{(\w+)(?::-([^}]*))?\}", lambda m: os.environ.get(m.group(1)) or (m.group(2) or ""), s)


def load_target(args: argparse.Namespace) -> Target:
    spec: dict[str, Any] = {}
    if args.target:
        with open(args.target) as f:
            spec = json.load(f)
    for key in ("name", "base_url", "path", "content", "pidfile"):
        v = getattr(args, key)
        if v is not None:
            spec[key] = v
    headers = dict(spec.get("headers") or {})
    for h in args.header or []:
        k, _, v = h.partition(":")
        headers[k.strip()] = v.strip()
    spec["headers"] = {k: _expand_env(str(v)) for k, v in headers.items()}
    for key in ("base_url", "path", "pidfile"):
        if isinstance(spec.get(key), str):
            spec[key] = _expand_env(spec[key])
    if args.payload:
        if args.payload.startswith("@"):
            with open(args.payload[1:]) as f:
                spec["payload"] = json.load(f)
        else:
            spec["payload"] = json.loads(args.payload)
    if args.pid:
        spec["pids"] = list(args.pid)
    missing = [k for k in ("name", "base_url", "path", "payload") if not spec.get(k)]
    if missing:
        raise SystemExit(f"target is missing {missing}")
    t = Target(**{k: spec[k] for k in Target.__dataclass_fields__ if k in spec})
    host = urlparse(t.base_url).hostname or ""
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise SystemExit(f"loopback targets only, got {host!r}")
    return t


def target_pids(t: Target) -> list[int]:
    pids = list(t.pids)
    if t.pidfile and os.path.exists(t.pidfile):
        with open(t.pidfile) as f:
            pids += [int(x) for x in f.read().split() if x.strip().isdigit()]
    return pids


def render(obj: Any, i: int) -> Any:
    if isinstance(obj, str):
        return obj.replace("{{i}}", str(i)).replace("{{uuid}}", uuid.uuid4().hex)
    if isinstance(obj, list):
        return [render(x, i) for x in obj]
    if isinstance(obj, dict):
        return {k: render(v, i) for k, v in obj.items()}
    return copy.copy(obj)


# --------------------------------------------------------------------------- content parsing


def _dig(obj: Any, path: list[str]) -> Any:
    for p in path:
        if isinstance(obj, list):
            try:
                obj = obj[int(p)]
            except (ValueError, IndexError):
                return None
        elif isinstance(obj, dict):
            obj = obj.get(p)
        else:
            return None
    return obj


class StreamError(Exception):
    pass


def make_extractor(mode: str):
    """Returns f(line) -> (content_text | None, done: bool)."""
    if mode == "openai-sse":
        mode = "sse-json:choices.0.delta.content"
    kind, _, dotted = mode.partition(":")
    path = [p for p in dotted.split(".") if p]

    def parse_json(s: str):
        try:
            obj = json.loads(s)
        except ValueError:
            return None, False
        if isinstance(obj, dict) and obj.get("error"):
            raise StreamError(str(obj["error"])[:200])
        v = _dig(obj, path)
        return (v if isinstance(v, str) and v else None), False

    if kind == "sse-json":

        def f(line: str):
            if not line.startswith("data:"):
                return None, False
            data = line[5:].strip()
            if data == "[DONE]":
                return None, True
            return parse_json(data)

        return f
    if kind == "ndjson":

        def g(line: str):
            line = line.strip()
            return parse_json(line) if line else (None, False)

        return g
    raise SystemExit(f"unknown content mode {mode!r}")


# --------------------------------------------------------------------------- one request


@dataclass
class Result:
    ok: bool
    ttfc: float | None
    total: float
    chunks: int = 0
    chars: int = 0
    error: str | None = None


async def one_request(client: httpx.AsyncClient, t: Target, i: int, timeout: float, extract, errlog: list) -> Result:
    body = render(t.payload, i)
    t0 = time.perf_counter()
    ttfc = None
    chunks = chars = 0
    try:
        async with asyncio.timeout(timeout):
            async with client.stream("POST", t.url, json=body, headers=t.headers) as r:
                if r.status_code != 200:
                    text = (await r.aread())[:300]
                    if len(errlog) < 5:
                        errlog.append(f"HTTP {r.status_code}: {text!r}")
                    return Result(False, None, time.perf_counter() - t0, error=f"HTTP {r.status_code}")
                if extract is None:  # first-byte
                    async for b in r.aiter_raw():
                        if b:
                            if ttfc is None:
                                ttfc = time.perf_counter() - t0
                            chunks += 1
                            chars += len(b)
                else:
                    buf = b""
                    done = False
                    async for b in r.aiter_bytes():
                        buf += b
                        *lines, buf = buf.split(b"\n")
                        for raw in lines:
                            text, done = extract(raw.decode("utf-8", "replace"))
                            if text:
                                if ttfc is None:
                                    ttfc = time.perf_counter() - t0
                                chunks += 1
                                chars += len(text)
                            if done:
                                break
                        if done:
                            break
                    if buf and not done:
                        text, _ = extract(buf.decode("utf-8", "replace"))
                        if text:
                            if ttfc is None:
                                ttfc = time.perf_counter() - t0
                            chunks += 1
                            chars += len(text)
    except TimeoutError:
        return Result(False, ttfc, time.perf_counter() - t0, chunks, chars, "timeout")
    except StreamError as e:
        if len(errlog) < 5:
            errlog.append(f"stream error: {e}")
        return Result(False, ttfc, time.perf_counter() - t0, chunks, chars, "stream-error")
    except (httpx.HTTPError, OSError) as e:
        if len(errlog) < 5:
            errlog.append(f"{type(e).__name__}: {e}")
        return Result(False, ttfc, time.perf_counter() - t0, chunks, chars, type(e).__name__)
    total = time.perf_counter() - t0
    if ttfc is None:
        return Result(False, None, total, 0, 0, "no-content")
    return Result(True, ttfc, total, chunks, chars)


# --------------------------------------------------------------------------- process tree sampling


def tree_procs(pids: list[int]):
    procs = {}
    if psutil is None:
        return []
    for pid in pids:
        try:
            p = psutil.Process(pid)
        except psutil.Error:
            continue
        procs[p.pid] = p
        try:
            for c in p.children(recursive=True):
                procs[c.pid] = c
        except psutil.Error:
            pass
    return list(procs.values())


def tree_rss_cpu(pids: list[int]) -> tuple[float | None, float | None]:
    """(RSS MiB, CPU seconds incl. reaped children) of the process trees."""
    if psutil is None or not pids:
        return None, None
    rss = cpu = 0.0
    for p in tree_procs(pids):
        try:
            rss += p.memory_info().rss
            ct = p.cpu_times()
            cpu += ct.user + ct.system
        except psutil.Error:
            pass
    return rss / 2**20, cpu


async def sample_rss(pids: list[int], stop: asyncio.Event, out: dict) -> None:
    while not stop.is_set():
        rss, _ = await asyncio.to_thread(tree_rss_cpu, pids)
        if rss is not None:
            out["peak"] = max(out.get("peak", 0.0), rss)
        try:
            await asyncio.wait_for(stop.wait(), 0.25)
        except TimeoutError:
            pass


# --------------------------------------------------------------------------- one level


def pct(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


async def upstream_stats(url: str | None, reset: bool) -> dict:
    if not url:
        return {}
    async with httpx.AsyncClient(timeout=5) as c:
        try:
            if reset:
                await c.post(url.rstrip("/") + "/reset")
                return {}
            return (await c.get(url)).json()
        except httpx.HTTPError:
            return {}


def new_client(conc: int, timeout: float, ctx: ssl.SSLContext) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        limits=httpx.Limits(max_connections=conc, max_keepalive_connections=conc),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 30.0)),
        verify=ctx,
        trust_env=False,
    )


async def run_level(t: Target, args, conc: int, n_req: int, ctx) -> dict:
    extract = None if t.content == "first-byte" else make_extractor(t.content)
    pids = target_pids(t)
    await upstream_stats(args.upstream_stats, reset=True)
    rss_before, cpu_before = tree_rss_cpu(pids)
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    results: list[Result] = []
    errlog: list[str] = []
    next_i = iter(range(n_req))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.level_timeout

    # one client (one keep-alive connection) per simulated user, like a browser tab
    clients = [new_client(1, args.timeout, ctx) for _ in range(conc)]

    async def worker(c: httpx.AsyncClient) -> None:
        for i in next_i:
            if loop.time() >= deadline:
                return
            results.append(await one_request(c, t, i, args.timeout, extract, errlog))

    stop = asyncio.Event()
    rss_box: dict = {}
    sampler = asyncio.create_task(sample_rss(pids, stop, rss_box)) if pids else None
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(worker(c)) for c in clients]
    _, pending = await asyncio.wait(tasks, timeout=args.level_timeout + args.timeout + 5)
    for p in pending:
        p.cancel()
    wall = time.perf_counter() - t0
    aborted = n_req - len(results)
    stop.set()
    if sampler:
        await sampler
    for c in clients:
        await c.aclose()
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    _, cpu_mid = tree_rss_cpu(pids)
    await asyncio.sleep(args.settle)
    rss_after, _ = tree_rss_cpu(pids)
    up = await upstream_stats(args.upstream_stats, reset=False)

    ok = [r for r in results if r.ok]
    errs = Counter(r.error for r in results if not r.ok)
    if aborted:
        errs["aborted(level-timeout)"] += aborted
    ttfc = [r.ttfc * 1000 for r in ok]
    total = [r.total * 1000 for r in ok]
    up_chat = sum(v for k, v in up.items() if "chat/completions" in k)
    up_all = sum(up.values()) if up else 0
    n_done = max(len(results), 1)
    return {
        "concurrency": conc,
        "requests": n_req,
        "ok": len(ok),
        "errors": sum(errs.values()),
        "error_kinds": dict(errs),
        "error_samples": errlog,
        "wall_s": round(wall, 3),
        "rps": round(len(ok) / wall, 2) if wall else None,
        "ttfc_ms": {
            "p50": _r(pct(ttfc, 0.5)),
            "p90": _r(pct(ttfc, 0.9)),
            "p99": _r(pct(ttfc, 0.99)),
            "max": _r(max(ttfc, default=None)),
        },
        "total_ms": {
            "p50": _r(pct(total, 0.5)),
            "p90": _r(pct(total, 0.9)),
            "p99": _r(pct(total, 0.99)),
            "max": _r(max(total, default=None)),
        },
        "content_chars": {
            "min": min((r.chars for r in ok), default=None),
            "max": max((r.chars for r in ok), default=None),
        },
        "rss_mib": {
            "before": _r(rss_before),
            "peak": _r(max(rss_box.get("peak", 0.0), rss_before or 0, rss_after or 0) or None),
            "after": _r(rss_after),
        },
        "target_cpu_ms_per_req": _r((cpu_mid - cpu_before) * 1000 / n_done)
        if cpu_before is not None and cpu_mid is not None
        else None,
        "driver_cpu_ms_per_req": _r(((ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)) * 1000 / n_done),
        "upstream_chat_calls_per_req": round(up_chat / n_done, 3) if up else None,
        "upstream_calls": up,
        "upstream_all_calls_per_req": round(up_all / n_done, 3) if up else None,
    }


def _r(x, nd=2):
    return None if x is None else round(x, nd)


# --------------------------------------------------------------------------- main


def fmt(x) -> str:
    return "-" if x is None else (f"{x:.1f}" if isinstance(x, float) else str(x))


def print_table(name: str, levels: list[dict]) -> None:
    cols = [
        "conc",
        "req",
        "ok",
        "err",
        "req/s",
        "TTFC p50",
        "TTFC p99",
        "total p50",
        "total p99",
        "RSS peak",
        "RSS after",
        "cpu ms/req",
        "drv ms/req",
        "up/req",
    ]
    rows = []
    for lv in levels:
        rows.append(
            [
                lv["concurrency"],
                lv["requests"],
                lv["ok"],
                lv["errors"],
                lv["rps"],
                lv["ttfc_ms"]["p50"],
                lv["ttfc_ms"]["p99"],
                lv["total_ms"]["p50"],
                lv["total_ms"]["p99"],
                lv["rss_mib"]["peak"],
                lv["rss_mib"]["after"],
                lv["target_cpu_ms_per_req"],
                lv["driver_cpu_ms_per_req"],
                lv["upstream_all_calls_per_req"],
            ]
        )
    w = [max(len(c), *(len(fmt(r[i])) for r in rows)) for i, c in enumerate(cols)]
    print(f"\n== {name}  (times in ms, RSS in MiB of the target's process tree)")
    print("  ".join(c.rjust(w[i]) for i, c in enumerate(cols)))
    for r in rows:
        print("  ".join(fmt(v).rjust(w[i]) for i, v in enumerate(r)))
    for lv in levels:
        if lv["errors"]:
            print(f"  c={lv['concurrency']} errors: {lv['error_kinds']} {lv['error_samples'][:2]}")
    sys.stdout.flush()


async def amain(args) -> int:
    t = load_target(args)
    ctx = ssl.create_default_context()
    levels_c = [int(x) for x in args.concurrency.split(",")]
    n_reqs = [int(x) for x in str(args.requests).split(",")]
    if len(n_reqs) == 1:
        n_reqs = n_reqs * len(levels_c)
    if args.warmup:
        async with new_client(1, args.timeout, ctx) as c:
            ex = None if t.content == "first-byte" else make_extractor(t.content)
            errlog: list[str] = []
            w = [await one_request(c, t, -1 - k, args.timeout, ex, errlog) for k in range(args.warmup)]
            bad = [r for r in w if not r.ok]
            if bad:
                print(f"warm-up: {len(bad)}/{len(w)} failed: {errlog[:2]}", file=sys.stderr)
                if len(bad) == len(w):
                    print("RESULT " + json.dumps({"target": t.name, "fatal": "warm-up failed", "errors": errlog}))
                    return 2
    levels = []
    for conc, n in zip(levels_c, n_reqs, strict=False):
        lv = await run_level(t, args, conc, n, ctx)
        levels.append(lv)
        print(
            f"[{t.name}] c={conc}: ok={lv['ok']}/{n} rps={lv['rps']} ttfc p50={lv['ttfc_ms']['p50']} total p50={lv['total_ms']['p50']}",
            file=sys.stderr,
        )
        await asyncio.sleep(args.pause)
    print_table(t.name, levels)
    out = {
        "target": t.name,
        "url": t.url,
        "content": t.content,
        "label": args.label,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "driver": {"timeout_s": args.timeout, "level_timeout_s": args.level_timeout, "warmup": args.warmup},
        "levels": levels,
    }
    line = json.dumps(out, separators=(",", ":"))
    print("RESULT " + line)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")
    return 0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", help="target JSON file")
    p.add_argument("--name")
    p.add_argument("--base-url", dest="base_url")
    p.add_argument("--path")
    p.add_argument("--header", action="append", help="'Name: value' (repeatable)")
    p.add_argument("--payload", help="JSON payload template, or @file")
    p.add_argument("--content", help="openai-sse | sse-json:<path> | ndjson:<path> | first-byte")
    p.add_argument("--pidfile", help="file with the platform's root PIDs (RSS/CPU of their trees)")
    p.add_argument("--pid", type=int, action="append")
    p.add_argument("--concurrency", default="1,50,200")
    p.add_argument("--requests", default="200", help="requests per level (one number, or one per level)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    p.add_argument("--level-timeout", type=float, default=300.0, help="seconds per level, then it stops")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--pause", type=float, default=2.0, help="seconds between levels")
    p.add_argument("--settle", type=float, default=2.0, help="seconds before the 'after' RSS sample")
    p.add_argument("--upstream-stats", default="http://127.0.0.1:18080/_stats", help="mock /_stats URL ('' to skip)")
    p.add_argument("--label", default="", help="free text stored in the JSON (e.g. tokens/delay)")
    p.add_argument("--out", help="append the JSON line to this file")
    p.add_argument("--no-uvloop", action="store_true")
    args = p.parse_args()
    if not args.no_uvloop:
        try:
            import uvloop  # type: ignore

            uvloop.install()
        except ImportError:
            pass
    sys.exit(asyncio.run(amain(args)))


if __name__ == "__main__":
    main()
