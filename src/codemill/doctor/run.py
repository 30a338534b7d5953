"""Run the checks concurrently with short timeouts, print the table, return the exit code."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

import httpx

from codemill.doctor.bus import check_nats
from codemill.doctor.checks import CHECK_NAMES, DATABASE_CHECKS, NATS_CHECKS, DoctorInputs
from codemill.doctor.http_checks import check_embeddings, check_llm, check_mcp_connect, check_mermaid, check_oidc
from codemill.doctor.network import check_dns, check_ingress, check_nats_tls, check_tls, tls_context
from codemill.doctor.postgres import check_postgres
from codemill.doctor.report import CheckResult, Status, render_json, render_table
from codemill.doctor.terraform import check_terraform
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


async def collect(
    settings: Settings, names: list[str], call_timeout: float, inputs: DoctorInputs | None = None
) -> list[CheckResult]:
    """Every selected check's results, in table order."""
    wanted = set(names)
    inputs = inputs or DoctorInputs()
    verify = tls_context(inputs.ca_file)
    async with httpx.AsyncClient(timeout=call_timeout, follow_redirects=True, verify=verify) as client:
        jobs: list[Awaitable[list[CheckResult]]] = []
        if "dns" in wanted:
            jobs.append(_one(check_dns(settings, call_timeout)))
        if "tls" in wanted:
            jobs.append(_one(check_tls(settings, call_timeout, inputs.ca_file)))
        if "ingress" in wanted:
            jobs.append(_one(check_ingress(settings, client)))
        if "nats-tls" in wanted:
            jobs.append(_one(check_nats_tls(settings, call_timeout, inputs.ca_file)))
        if "terraform" in wanted:
            jobs.append(_one(_done(check_terraform(inputs.terraform_outputs, inputs.values_files))))
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


async def _done(result: CheckResult) -> CheckResult:
    return result


async def run_doctor(
    settings: Settings,
    only: Iterable[str] | None = None,
    call_timeout: float = 5.0,
    *,
    inputs: DoctorInputs | None = None,
    as_json: bool = False,
) -> int:
    """Check each configured component, print a table (or JSON); 1 if anything failed, else 0."""
    results = await collect(settings, select(only), call_timeout, inputs)
    print(render_json(results) if as_json else render_table(results), flush=True)
    return 1 if any(result.status is Status.FAILED for result in results) else 0
