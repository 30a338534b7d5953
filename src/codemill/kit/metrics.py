"""Prometheus metrics of this process: created on first use in one registry, exposed at /metrics.

One process per pod (uvicorn with one worker, as the chart runs it): the registry is per process, so with
`--workers N` each scrape sees one worker; scale with replicas instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, start_http_server
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
JOB_BUCKETS = (0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600)


@dataclass(frozen=True)
class Metrics:
    """Every metric Codemill exports."""

    registry: CollectorRegistry
    http_latency: Histogram
    chats: Counter
    model_calls: Counter
    tokens: Counter
    tool_calls: Counter
    jobs_waiting: Gauge
    jobs_oldest_age: Gauge
    db_pool_size: Gauge
    db_pool_checked_out: Gauge
    db_pool_overflow: Gauge
    jobs_run: Counter
    job_seconds: Histogram
    plugin_auth: Counter
    mcp_bridge_seconds: Histogram


@cache
def metrics() -> Metrics:
    """The process's metrics (made once)."""
    registry = CollectorRegistry(auto_describe=True)
    return Metrics(
        registry=registry,
        http_latency=Histogram(
            "codemill_http_request_duration_seconds",
            "HTTP request latency by route template",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        chats=Counter("codemill_chats", "Chat turns by outcome", ["status"], registry=registry),
        model_calls=Counter("codemill_llm_calls", "Model calls", ["model", "status"], registry=registry),
        tokens=Counter("codemill_llm_tokens", "Model tokens", ["model", "direction"], registry=registry),
        tool_calls=Counter("codemill_tool_calls", "Tool calls", ["tool", "status"], registry=registry),
        jobs_waiting=Gauge(
            "codemill_jobs", "Background jobs by queue and status", ["queue", "status"], registry=registry
        ),
        jobs_oldest_age=Gauge(
            "codemill_jobs_oldest_waiting_seconds",
            "Age of the oldest job waiting to start",
            ["queue"],
            registry=registry,
        ),
        db_pool_size=Gauge("codemill_db_pool_size", "Database pool base size", registry=registry),
        db_pool_checked_out=Gauge("codemill_db_pool_checked_out", "Database connections in use", registry=registry),
        db_pool_overflow=Gauge(
            "codemill_db_pool_overflow", "Database connections over the base size", registry=registry
        ),
        jobs_run=Counter(
            "codemill_jobs_run", "Background jobs run, by task and outcome", ["task", "status"], registry=registry
        ),
        job_seconds=Histogram(
            "codemill_job_duration_seconds", "Background job run time", ["task"], buckets=JOB_BUCKETS, registry=registry
        ),
        plugin_auth=Counter(
            "codemill_plugin_auth",
            "Plugin key authorizations answered by the NATS auth callout",
            ["result"],
            registry=registry,
        ),
        mcp_bridge_seconds=Histogram(
            "codemill_mcp_bridge_request_duration_seconds",
            "MCP Connect bridge requests, by MCP method and HTTP status",
            ["method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
    )


def exposition() -> bytes:
    """The registry in Prometheus text format."""
    return generate_latest(metrics().registry)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Record one HTTP request's latency."""
    metrics().http_latency.labels(method, route, str(status)).observe(seconds)


def serve_metrics(port: int, host: str = "0.0.0.0") -> None:
    """Serve /metrics from a background thread (processes without an HTTP app: worker, nats-callout)."""
    start_http_server(port, addr=host, registry=metrics().registry)
