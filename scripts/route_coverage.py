"""Build docs/api-coverage.md: every CodeMie /v1 route and Codemill's answer to it.

    .venv/bin/python scripts/route_coverage.py           # write docs/api-coverage.md
    .venv/bin/python scripts/route_coverage.py --check   # exit 1 when the checked-in page is stale

Inputs: Codemill's OpenAPI document (built from the app factory, no server or database started),
docs/dev/codemie-routes.tsv (CodeMie's routes, read from its public backend) and docs/dev/route-decisions.tsv
(planned with an issue, or deliberately not, for routes Codemill lacks). A CodeMie route counts as implemented
when Codemill has an operation with the same method and path template, parameter names and a trailing slash
aside. The output is sorted and carries no timestamp, so regenerating it is deterministic.
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from codemill.main import create_app
from codemill.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ROUTES_TSV = ROOT / "docs" / "dev" / "codemie-routes.tsv"
DECISIONS_TSV = ROOT / "docs" / "dev" / "route-decisions.tsv"
OUTPUT = ROOT / "docs" / "api-coverage.md"
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
UNSORTED = "planned (unsorted)"

# The area each CodeMie router file belongs to, for the summary.
AREAS = {
    "Assistants": ["assistant.py", "assistant_mapping.py", "assistant_prompt_variable_mapping.py", "category.py"],
    "Conversations and chat": ["conversation.py", "feedback.py", "share.py", "files.py", "conversation_analysis.py"],
    "Datasources": ["index.py", "callbacks.py", "provider.py"],
    "Integrations": ["user_settings.py", "project_settings.py", "settings.py"],
    "OAuth connect flows": [
        "confluence_oauth.py",
        "gitlab_oauth.py",
        "google_oauth.py",
        "jira_oauth.py",
        "sharepoint_oauth.py",
    ],
    "Users, projects and sign-in": [
        "user.py",
        "user_management_router.py",
        "user_profile_router.py",
        "user_preferences_router.py",
        "local_auth_router.py",
        "auth.py",
        "projects.py",
        "admin.py",
        "permission.py",
    ],
    "Workflows": ["workflow.py", "workflow_executions.py", "workflow_marketplace.py"],
    "Skills": ["skill.py", "skill_events.py"],
    "Tools and MCP": ["tool.py", "mcp_config.py"],
    "Analytics, budgets and audit": [
        "analytics.py",
        "cli_analytics.py",
        "budget_router.py",
        "project_budget_router.py",
        "cost_centers.py",
        "metrics.py",
        "activity_events_router.py",
        "logs.py",
    ],
    "Automation and interop": ["webhook.py", "schedulers.py", "a2a.py", "background_tasks.py"],
    "Platform and models": ["common.py", "customer_config.py", "dynamic_config.py", "llm_models.py"],
    "Vendor-specific": ["vendor.py", "guardrail.py", "ide.py", "ai_kata.py", "user_kata_progress.py"],
}
AREA_OF = {source: area for area, sources in AREAS.items() for source in sources}


@dataclass(frozen=True)
class Route:
    """One CodeMie route, as read from its backend."""

    method: str
    path: str
    source: str


@dataclass(frozen=True)
class Operation:
    """One Codemill operation from its OpenAPI document."""

    method: str
    path: str
    summary: str


@dataclass(frozen=True)
class Decision:
    """A line of route-decisions.tsv: planned (with an issue) or not (with a reason)."""

    method: str
    pattern: str
    status: str
    note: str

    def matches(self, route: Route) -> bool:
        """Whether this line covers the route (method or *, path glob)."""
        return self.method in ("*", route.method) and fnmatch.fnmatchcase(route.path, self.pattern)


@dataclass(frozen=True)
class Answer:
    """Codemill's answer to one CodeMie route."""

    route: Route
    status: str  # implemented | planned #N | planned (unsorted) | not
    detail: str


def template_key(method: str, path: str) -> tuple[str, str]:
    """Method and path template with parameter names and a trailing slash ignored."""
    return method, re.sub(r"\{[^}]*\}", "{}", path).rstrip("/") or "/"


def read_rows(path: Path, columns: int) -> list[list[str]]:
    """The data rows of a TSV file: comment lines (#) and the header row skipped."""
    rows: list[list[str]] = []
    header_seen = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        cells = line.split("\t")
        if len(cells) != columns:
            raise SystemExit(f"{path.relative_to(ROOT)}:{number}: expected {columns} tab-separated columns")
        rows.append(cells)
    return rows


def codemie_routes() -> list[Route]:
    """CodeMie's routes from docs/dev/codemie-routes.tsv."""
    routes = [Route(method, path, source) for method, path, source in read_rows(ROUTES_TSV, 3)]
    for route in routes:
        if route.method not in HTTP_METHODS or not route.path.startswith("/v1"):
            raise SystemExit(f"codemie-routes.tsv: unexpected route {route.method} {route.path}")
    return routes


def decisions() -> list[Decision]:
    """The decision lines, in file order (the first match wins)."""
    result = [Decision(*row) for row in read_rows(DECISIONS_TSV, 4)]
    for decision in result:
        if decision.status not in ("planned", "not"):
            raise SystemExit(f"route-decisions.tsv: status must be planned or not: {decision}")
        if decision.status == "planned" and not re.match(r"#\d+\b", decision.note):
            raise SystemExit(f"route-decisions.tsv: a planned line names its issue (#N): {decision}")
    return result


def codemill_operations() -> list[Operation]:
    """Codemill's operations, from the OpenAPI document of an app that is built but never started."""
    # Fixed, harmless settings: no .env file and no CODEMILL_* variable shapes the document.
    settings = Settings(_env_file=None, _env_prefix="CODEMILL_ROUTE_COVERAGE_UNUSED_")  # type: ignore[call-arg]
    document = create_app(settings, "postgresql://route-coverage.invalid/none").openapi()
    operations = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method.upper() in HTTP_METHODS:
                operations.append(Operation(method.upper(), path, operation.get("summary", "")))
    return sorted(operations, key=lambda op: (op.path, op.method))


def answer(route: Route, by_template: dict[tuple[str, str], Operation], rules: list[Decision]) -> Answer:
    """Implemented (naming Codemill's operation), else the first decision that matches, else unsorted."""
    operation = by_template.get(template_key(route.method, route.path))
    if operation is not None:
        detail = operation.summary
        if operation.path != route.path:
            detail += f" (Codemill: `{operation.path}`)"
        return Answer(route, "implemented", detail)
    for rule in rules:
        if rule.matches(route):
            if rule.status == "planned":
                issue, _, rest = rule.note.partition(" ")
                return Answer(route, f"planned {issue}", rest)
            return Answer(route, "not", rule.note)
    return Answer(route, UNSORTED, "")


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def summary_table(answers: list[Answer]) -> list[str]:
    """Counts by area: implemented, planned, not."""
    lines = ["| area | CodeMie routes | implemented | planned | not |", "|---|---:|---:|---:|---:|"]
    areas = sorted({AREA_OF.get(a.route.source, "Other") for a in answers})
    for area in [*areas, "All"]:
        group = [a for a in answers if area == "All" or AREA_OF.get(a.route.source, "Other") == area]
        counts = Counter(a.status.split(" ")[0] for a in group)
        name = f"**{area}**" if area == "All" else area
        lines.append(f"| {name} | {len(group)} | {counts['implemented']} | {counts['planned']} | {counts['not']} |")
    return lines


def render(routes: list[Route], operations: list[Operation], rules: list[Decision]) -> str:
    """The whole page, deterministic for the same inputs."""
    by_template = {template_key(op.method, op.path): op for op in operations}
    answers = sorted(
        (answer(route, by_template, rules) for route in routes),
        key=lambda a: (a.route.source, a.route.path, a.route.method),
    )
    implemented = sum(a.status == "implemented" for a in answers)
    out = [
        "# CodeMie /v1 route coverage",
        "",
        "Every route of CodeMie's `/v1` REST API and Codemill's answer: implemented, planned (with the open issue),",
        "or deliberately not (with the reason). Generated by `scripts/route_coverage.py` (`make api-coverage`) from",
        "Codemill's OpenAPI document, [`dev/codemie-routes.tsv`](dev/codemie-routes.tsv) (CodeMie's routes, read from",
        "its public backend `codemie-ai/codemie`) and [`dev/route-decisions.tsv`](dev/route-decisions.tsv). Do not edit",
        "by hand: change those files or the code and regenerate; the test suite fails when this page is stale.",
        "",
        "A route is implemented when Codemill has the same method and path template (parameter names and a trailing",
        "slash aside; Codemill's path is shown where it differs).",
        "",
        "## Summary",
        "",
        f"**{implemented} of {len(answers)}** CodeMie routes are implemented.",
        "",
        *summary_table(answers),
        "",
        "Planned, by issue:",
        "",
        "| status | routes |",
        "|---|---:|",
    ]
    planned = Counter(a.status for a in answers if a.status.startswith("planned"))
    out += [f"| {status} | {count} |" for status, count in sorted(planned.items())]
    out += ["", "## Routes by CodeMie router file", ""]
    for source in sorted({a.route.source for a in answers}):
        group = [a for a in answers if a.route.source == source]
        done = sum(a.status == "implemented" for a in group)
        area = AREA_OF.get(source, "Other")
        out += [f"### {source}", "", f"{area}: {done} of {len(group)} implemented.", ""]
        out += ["| method | path | status | Codemill operation or reason |", "|---|---|---|---|"]
        out += [f"| {a.route.method} | `{a.route.path}` | {a.status} | {cell(a.detail)} |" for a in group]
        out.append("")
    out += codemill_only(routes, operations)
    out += stale_decisions(routes, by_template, rules)
    return "\n".join(out).rstrip("\n") + "\n"


def codemill_only(routes: list[Route], operations: list[Operation]) -> list[str]:
    """Codemill's operations that CodeMie does not have."""
    codemie = {template_key(r.method, r.path) for r in routes}
    extra = [op for op in operations if template_key(op.method, op.path) not in codemie]
    out = ["## Codemill only", "", f"{len(extra)} Codemill operations have no CodeMie counterpart.", ""]
    out += ["| method | path | operation |", "|---|---|---|"]
    out += [f"| {op.method} | `{op.path}` | {cell(op.summary)} |" for op in extra]
    return [*out, ""]


def stale_decisions(
    routes: list[Route], by_template: dict[tuple[str, str], Operation], rules: list[Decision]
) -> list[str]:
    """Decision lines to clean up: matching no CodeMie route, or naming a route now implemented."""
    unused = [rule for rule in rules if not any(rule.matches(r) for r in routes)]
    superseded = [
        rule
        for rule in rules
        if "*" not in rule.pattern and rule.method != "*" and template_key(rule.method, rule.pattern) in by_template
    ]
    if not unused and not superseded:
        return []
    out = ["## Decisions to clean up", "", "Lines of `dev/route-decisions.tsv` that no longer say anything:", ""]
    out += [f"- `{r.method} {r.pattern}`: matches no CodeMie route" for r in unused]
    out += [f"- `{r.method} {r.pattern}`: implemented now" for r in superseded]
    return [*out, ""]


def main(argv: list[str] | None = None) -> int:
    """Write the page, or with --check compare it with a fresh generation."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when the page differs from a fresh build")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the page (default: docs/api-coverage.md)")
    args = parser.parse_args(argv)
    page = render(codemie_routes(), codemill_operations(), decisions())
    if not args.check:
        args.output.write_text(page, encoding="utf-8")
        print(f"wrote {args.output}")
        return 0
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    if current == page:
        return 0
    diff = difflib.unified_diff(current.splitlines(), page.splitlines(), "checked-in", "fresh", lineterm="", n=0)
    print(f"{args.output} is stale; regenerate it with `make api-coverage`:", file=sys.stderr)
    print("\n".join(list(diff)[:40]), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
