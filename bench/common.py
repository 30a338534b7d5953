"""Shared benchmark plumbing: a real server on a fresh embedded PostgreSQL, and figure printing."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil
from tests.support.server import LiveServer, start_server

from codemill.db.embedded import EmbeddedPostgres
from codemill.db.migrate import upgrade_to_head

ADMIN = {"email": "bench-admin@example.com", "password": "bench-password-123"}


@contextmanager
def bench_server(extra_env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """`codemill serve` on its own fresh PostgreSQL, as deployed (INFO JSON logs)."""
    with tempfile.TemporaryDirectory(prefix="codemill-bench-") as tmp:
        root = Path(tmp)
        postgres = EmbeddedPostgres(root / "pg")
        url = postgres.start()
        upgrade_to_head(url)
        env = {
            "CODEMILL_DATABASE_URL": url,
            "CODEMILL_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
            "CODEMILL_DATA_DIR": str(root / "data"),
            "CODEMILL_BOOTSTRAP_ADMIN_EMAIL": ADMIN["email"],
            "CODEMILL_BOOTSTRAP_ADMIN_PASSWORD": ADMIN["password"],
            **(extra_env or {}),
        }
        server = start_server(env, root / "server.log")
        try:
            yield server
        finally:
            server.stop()
            postgres.stop()


def login(server: LiveServer, creds: dict[str, str] = ADMIN) -> str:
    """A bearer token."""
    response = httpx.post(f"{server.url}/v1/local-auth/login", json=creds, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


def rss_mb(pid: int) -> float:
    """Resident set size of one process, in MB (children not counted)."""
    return round(psutil.Process(pid).memory_info().rss / 1_048_576, 1)


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def report(name: str, rows: list[dict[str, Any]], targets: dict[str, Any] | None = None) -> None:
    """Print a table and one JSON line."""
    if rows:
        columns = list(rows[0])
        widths = [max(len(str(c)), *(len(_fmt(r.get(c))) for r in rows)) for c in columns]
        print(f"\n== {name} ==")
        print("  ".join(str(c).ljust(w) for c, w in zip(columns, widths, strict=True)))
        for row in rows:
            print("  ".join(_fmt(row.get(c)).ljust(w) for c, w in zip(columns, widths, strict=True)))
    print(json.dumps({"bench": name, "results": rows, "targets": targets or {}, "cpus": os.cpu_count()}))


def _fmt(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def mean(values: list[float]) -> float:
    """Arithmetic mean (nan when empty)."""
    return statistics.fmean(values) if values else float("nan")
