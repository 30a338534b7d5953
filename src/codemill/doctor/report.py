"""One line per check: component, status, what was seen, and the fix when it failed."""

from __future__ import annotations

import enum
import json
import shutil
import textwrap
from dataclasses import dataclass


class Status(enum.StrEnum):
    OK = "ok"
    FAILED = "FAILED"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check; `fix` says what to do when it failed."""

    component: str
    status: Status
    detail: str
    fix: str = ""

    @classmethod
    def ok(cls, component: str, detail: str) -> CheckResult:
        return cls(component, Status.OK, detail)

    @classmethod
    def failed(cls, component: str, detail: str, fix: str) -> CheckResult:
        return cls(component, Status.FAILED, detail, fix)

    @classmethod
    def skipped(cls, component: str, detail: str = "skipped (not configured)") -> CheckResult:
        return cls(component, Status.SKIPPED, detail)


def render_table(results: list[CheckResult], width: int | None = None) -> str:
    """A plain-text table that stays readable in a terminal and in `kubectl logs`."""
    width = width or max(100, shutil.get_terminal_size((120, 24)).columns)
    name_w = max([len("component"), *(len(r.component) for r in results)])
    status_w = max(len("status"), *(len(r.status.value) for r in results))
    text_w = max(30, width - name_w - status_w - 6)
    lines = [f"{'component':<{name_w}}  {'status':<{status_w}}  detail / fix", "-" * min(width, 160)]
    for result in results:
        body = textwrap.wrap(result.detail, text_w) or [""]
        if result.fix:
            body += textwrap.wrap(f"fix: {result.fix}", text_w)
        lines.append(f"{result.component:<{name_w}}  {result.status.value:<{status_w}}  {body[0]}")
        lines.extend(f"{'':<{name_w}}  {'':<{status_w}}  {line}" for line in body[1:])
    failed = sum(r.status is Status.FAILED for r in results)
    passed = sum(r.status is Status.OK for r in results)
    skipped = sum(r.status is Status.SKIPPED for r in results)
    lines.append("-" * min(width, 160))
    lines.append(f"{passed} ok, {failed} failed, {skipped} skipped")
    return "\n".join(lines)


def render_json(results: list[CheckResult]) -> str:
    """For automation: {"ok": bool, "checks": [{component, status, detail, fix}]}."""
    checks = [
        {"component": r.component, "status": r.status.value.lower(), "detail": r.detail, "fix": r.fix or None}
        for r in results
    ]
    return json.dumps({"ok": not any(r.status is Status.FAILED for r in results), "checks": checks}, indent=2)
