"""Run the checks concurrently with short timeouts, print the table, return the exit code."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

import httpx

from codemill.doctor.bus import check_nats
from codemill.doctor.checks import CHECK_NAMES, DATABASE_CHECKS, NATS_CHECKS
from codemill.doctor.http_checks import check_embeddings, check_llm, check_mcp_connect, check_mermaid, check_oidc
from codemill.doctor.postgres import check_postgres
from codemill.doctor.report import CheckResult, Status, render_table
from codemill.errors import BadRequest
from codemill.settings import Settings

HttpCheck = Callable[[Settings, httpx.AsyncClient], Awaitable[CheckResult]]
HTTP_CHECKS: dict[str, HttpCheck] = {
    "oidc": check_oidc,
    "llm": check_llm,
    "embeddings": check_embeddings,
    "mermaid": check_mermaid,
    "mcp-connect": check_mcp_connect,
}


def select(only: Iterable[str] | None) -> list[str]:
    """The checks to run, in table order; an unknown name is a clear error."""
    if only is None:
        return list(CHECK_NAMES)
    wanted = {name.strip() for name in only if name.strip()}
    unknown = sorted(wanted - set(CHECK_NAMES))
    if unknown:
        raise BadRequest(f"unknown check(s): {', '.join(unknown)}", help=f"choose from {', '.join(CHECK_NAMES)}")
    return [name for name in CHECK_NAMES if name in wanted]


async def collect(settings: Settings, names: list[str], call_timeout: float) -> list[CheckResult]:
    """Every selected check's results, in table order."""
    wanted = set(names)
    async with httpx.AsyncClient(timeout=call_timeout, follow_redirects=True) as client:
        jobs: list[Awaitable[list[CheckResult]]] = []
        if wanted & DATABASE_CHECKS:
            jobs.append(check_postgres(settings, wanted & DATABASE_CHECKS, call_timeout))
        if wanted & NATS_CHECKS:
            jobs.append(check_nats(settings, wanted & NATS_CHECKS, call_timeout))
        for name in names:
            if name in HTTP_CHECKS:
                jobs.append(_one(HTTP_CHECKS[name](settings, client)))
        groups = await asyncio.gather(*jobs)
    results = [result for group in groups for result in group]
    order = {name: index for index, name in enumerate(CHECK_NAMES)}
    return sorted(results, key=lambda r: order.get(r.component, len(order)))


async def _one(check: Awaitable[CheckResult]) -> list[CheckResult]:
    return [await check]


async def run_doctor(settings: Settings, only: Iterable[str] | None = None, call_timeout: float = 5.0) -> int:
    """Check each configured component, print a table (status, fix); 1 if anything failed, else 0."""
    results = await collect(settings, select(only), call_timeout)
    print(render_table(results), flush=True)
    return 1 if any(result.status is Status.FAILED for result in results) else 0
