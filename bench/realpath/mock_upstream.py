#!/usr/bin/env python3
"""Mock OpenAI-compatible upstream for platform-overhead benchmarks.

Endpoints (loopback only):
  POST /v1/chat/completions   stream (SSE ``data: {...}`` chunks, then ``data: [DONE]``) or not
  GET  /v1/models             one model (``--model``), plus any requested name is accepted
  GET  /health                "ok"
  GET  /_stats                request counters per path (to see what a platform sends upstream)
  POST /_stats/reset          zero the counters

Every completion answers ``--tokens`` content chunks ("w0 ", "w1 ", ...), sleeping
``--delay-ms`` before each chunk (0 = no sleep, the default). Per request the body may
override both with the non-standard fields ``mock_tokens`` / ``mock_delay_ms``.
``stream_options.include_usage`` is honoured (a final usage chunk).

Run:  python mock_upstream.py --port 18080 --tokens 50 --delay-ms 0
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from collections import Counter

from aiohttp import web

STATS: Counter[str] = Counter()


def _chunk(cid: str, created: int, model: str, delta: dict, finish: str | None = None) -> bytes:
    obj = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "system_fingerprint": "mock",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"


def _prompt_tokens(body: dict) -> int:
    n = 0
    for m in body.get("messages") or []:
        c = m.get("content")
        if isinstance(c, str):
            n += max(1, len(c) // 4)
    return n


async def chat_completions(request: web.Request) -> web.StreamResponse:
    cfg = request.app["cfg"]
    try:
        body = await request.json()
    except Exception:
        STATS["bad_json"] += 1
        return web.json_response({"error": {"message": "bad json", "type": "invalid_request_error"}}, status=400)
    stream = bool(body.get("stream"))
    STATS["POST /v1/chat/completions " + ("stream" if stream else "nostream")] += 1
    model = body.get("model") or cfg.model
    n_tokens = int(body.get("mock_tokens", cfg.tokens))
    delay = float(body.get("mock_delay_ms", cfg.delay_ms)) / 1000.0
    cid = "chatcmpl-" + uuid.uuid4().hex[:24]
    created = int(time.time())
    ptok = _prompt_tokens(body)

    if not stream:
        if delay:
            await asyncio.sleep(delay * n_tokens)
        text = "".join(f"w{i} " for i in range(n_tokens))
        return web.json_response(
            {
                "id": cid,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "system_fingerprint": "mock",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": ptok, "completion_tokens": n_tokens, "total_tokens": ptok + n_tokens},
            }
        )

    resp = web.StreamResponse(
        status=200,
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
    await resp.prepare(request)
    await resp.write(_chunk(cid, created, model, {"role": "assistant", "content": ""}))
    for i in range(n_tokens):
        if delay:
            await asyncio.sleep(delay)
        await resp.write(_chunk(cid, created, model, {"content": f"w{i} "}))
    await resp.write(_chunk(cid, created, model, {}, "stop"))
    so = body.get("stream_options") or {}
    if so.get("include_usage"):
        usage = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [],
            "usage": {"prompt_tokens": ptok, "completion_tokens": n_tokens, "total_tokens": ptok + n_tokens},
        }
        await resp.write(b"data: " + json.dumps(usage, separators=(",", ":")).encode() + b"\n\n")
    await resp.write(b"data: [DONE]\n\n")
    await resp.write_eof()
    return resp


async def models(request: web.Request) -> web.Response:
    cfg = request.app["cfg"]
    STATS["GET /v1/models"] += 1
    return web.json_response(
        {"object": "list", "data": [{"id": cfg.model, "object": "model", "created": 1700000000, "owned_by": "mock"}]}
    )


async def health(_: web.Request) -> web.Response:
    return web.Response(text="ok")


async def stats(_: web.Request) -> web.Response:
    return web.json_response(dict(STATS))


async def stats_reset(_: web.Request) -> web.Response:
    STATS.clear()
    return web.json_response({})


@web.middleware
async def count_other(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPNotFound:
        STATS[f"404 {request.method} {request.path}"] += 1
        raise


def make_app(cfg: argparse.Namespace) -> web.Application:
    app = web.Application(middlewares=[count_other], client_max_size=64 * 1024 * 1024)
    app["cfg"] = cfg
    for prefix in ("/v1", ""):  # some clients drop the /v1
        app.router.add_post(prefix + "/chat/completions", chat_completions)
        app.router.add_get(prefix + "/models", models)
    app.router.add_get("/health", health)
    app.router.add_get("/_stats", stats)
    app.router.add_post("/_stats/reset", stats_reset)
    return app


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="comma-separated loopback addresses")
    p.add_argument("--port", type=int, default=18080)
    p.add_argument("--tokens", type=int, default=50, help="content chunks per completion")
    p.add_argument("--delay-ms", type=float, default=0.0, help="sleep before each content chunk")
    p.add_argument("--model", default="mock-gpt")
    cfg = p.parse_args()
    hosts = [h.strip() for h in cfg.host.split(",") if h.strip()]
    if any(not h.startswith("127.") and h not in ("localhost", "::1") for h in hosts):
        raise SystemExit("loopback addresses only")
    try:
        import uvloop  # type: ignore

        uvloop.install()
    except ImportError:
        pass
    web.run_app(make_app(cfg), host=hosts, port=cfg.port, access_log=None, print=None, backlog=4096)


if __name__ == "__main__":
    main()
