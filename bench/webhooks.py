"""Webhooks: what accepting a signed call costs (find the integration, decrypt its secret, check the
HMAC, count the minute's runs under a lock, record the run and queue its job, one transaction), what a
refused call costs, and how long a run takes from the call to its end (an assistant on the mock model, zero
token delay, in-process workers).

Figures: latency p50/p99 of accepted and refused calls over sequential calls; call-to-finished p50/p99 of
the runs and their throughput. Target: an accepted call within 25 ms (p50) on a quiet machine.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import time
import uuid
from datetime import datetime

import httpx

from bench.chat_overhead import create_assistant
from bench.common import ADMIN, bench_server, login, percentile, report

SECRET = "bench-webhook-secret"
WARMUP = 10


def _signature(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _webhook(client: httpx.Client, assistant_id: str) -> tuple[str, str]:
    webhook_id = f"bench-{uuid.uuid4().hex[:8]}"
    values = {
        "webhook_id": webhook_id,
        "github_webhook_secret": SECRET,
        "resource_type": "assistant",
        "resource_id": assistant_id,
        "prompt": "Summarise the push to {{ payload.ref }} ({{ payload.commits | length }} commits)",
    }
    body = {
        "project_name": ADMIN["email"],
        "alias": webhook_id,
        "credential_type": "Webhook",
        "credential_values": [{"key": k, "value": v} for k, v in values.items()],
    }
    response = client.post("/v1/settings/user", json=body)
    response.raise_for_status()
    return webhook_id, str(response.json()["id"])


def _call(client: httpx.Client, webhook_id: str, n: int, secret: str = SECRET) -> tuple[float, int]:
    body = json.dumps({"ref": f"refs/heads/b{n}", "commits": [{"id": "a"}, {"id": "b"}]}).encode()
    headers = {"content-type": "application/json", "X-Hub-Signature-256": _signature(body, secret)}
    started = time.perf_counter()
    response = client.post(f"/v1/webhooks/{webhook_id}", content=body, headers=headers)
    return (time.perf_counter() - started) * 1000, response.status_code


def _finished_runs(client: httpx.Client, integration_id: str, expected: int, timeout: float) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout
    done: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        runs = client.get("/v1/automation/runs", params={"integration_id": integration_id, "limit": 500}).json()["data"]
        done = [r for r in runs if r["status"] in ("succeeded", "failed")]
        if len(done) >= expected:
            return done
        time.sleep(0.2)
    raise SystemExit(f"only {len(done)} of {expected} runs finished in {timeout}s")


def main() -> None:
    """Run the calls and print the figures."""
    calls = int(next((a for a in sys.argv[1:] if a.isdigit()), "200"))
    env = {
        "CODEMILL_LLM__MOCK_TOKEN_DELAY_MS": "0",
        "CODEMILL_LOG_LEVEL": "WARNING",
        "CODEMILL_JOBS__IN_PROCESS": "true",
        "CODEMILL_JOBS__POLLING_SECONDS": "0.2",
        "CODEMILL_AUTOMATION__WEBHOOK_CALLS_PER_MINUTE": "1000000",
        # Webhook secrets are sealed: integrations with secrets need a master key.
        "CODEMILL_MASTER_KEY": "bench-master-key-0123456789abcdef0123456789",
    }
    with bench_server(env) as server:
        token = login(server)
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as user:
            assistant_id = create_assistant(server.url, token)
            webhook_id, integration_id = _webhook(user, assistant_id)
        with httpx.Client(base_url=server.url, timeout=60) as anonymous:
            accepted: list[float] = []
            began = time.perf_counter()
            for n in range(WARMUP + calls):
                elapsed, status = _call(anonymous, webhook_id, n)
                assert status == 200, status
                if n >= WARMUP:
                    accepted.append(elapsed)
            refused = [_call(anonymous, webhook_id, n, secret="wrong")[0] for n in range(calls)]
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as user:
            runs = _finished_runs(user, integration_id, WARMUP + calls, timeout=600)
        ended = time.perf_counter()
    spans = [
        (datetime.fromisoformat(str(r["finished_at"])) - datetime.fromisoformat(str(r["created_at"]))).total_seconds()
        * 1000
        for r in runs
    ]
    failed = sum(1 for r in runs if r["status"] != "succeeded")
    rows = [
        {"what": "accepted call", "n": len(accepted), "p50_ms": percentile(accepted, 50), "p99_ms": percentile(accepted, 99), "per_second": None},
        {"what": "refused call (bad signature)", "n": len(refused), "p50_ms": percentile(refused, 50), "p99_ms": percentile(refused, 99), "per_second": None},
        {"what": f"run: call to finished ({failed} failed)", "n": len(spans), "p50_ms": percentile(spans, 50), "p99_ms": percentile(spans, 99), "per_second": len(runs) / (ended - began)},
    ]  # fmt: skip
    report("webhooks", rows, {"accepted_call_p50_ms": 25})


if __name__ == "__main__":
    main()
