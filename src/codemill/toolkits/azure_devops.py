"""Azure DevOps toolkits: work items, wiki pages and test plans (CodeMie's tool names).

Plain REST (api-version 7.1) through the guarded client, like the Git tools: each operation is one or
two documented calls, and the `azure-devops` SDK is synchronous and would bypass the SSRF guard. The
AzureDevOps integration gives the organization URL, the default project and the personal access token
(basic auth with an empty user name); a `project` argument overrides the integration's project.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from codemill.toolkits.base import Binding, answer, http_response, integration, parse_json_argument
from codemill.tools.base import ToolContext, ToolError

API_VERSION = "7.1"
_PATCH = {"content-type": "application/json-patch+json"}


@dataclass(frozen=True, slots=True)
class Site:
    """Where the calls go: {url}/{organization}/{project}, with the PAT."""

    root: str
    project: str
    token: str

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Basic auth with the PAT (and any extra headers)."""
        basic = base64.b64encode(f":{self.token}".encode()).decode()
        return {"authorization": f"Basic {basic}", **(extra or {})}

    def url(self, path: str) -> str:
        """A project-level API URL."""
        return f"{self.root}/{quote(self.project)}/_apis{path}"


async def _site(ctx: ToolContext, binding: Binding, args: dict[str, Any]) -> Site:
    found = await integration(ctx, binding, "AzureDevOps")
    project = str(args.get("project") or found.values.get("project") or "").strip()
    if not project:
        raise ToolError("The argument 'project' is needed: the AzureDevOps integration names no project.")
    url = str(found.values.get("url") or "").rstrip("/")
    organization = str(found.values.get("organization") or "").strip("/ ")
    return Site(f"{url}/{quote(organization)}", project, str(found.values.get("token") or ""))


async def _call(
    ctx: ToolContext,
    site: Site,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    version: str = API_VERSION,
) -> str:
    response = await http_response(
        ctx,
        method,
        site.url(path),
        headers=site.headers(headers),
        params={**(params or {}), "api-version": version},
        body=body,
    )
    return answer(response.status_code, response.text, "Azure DevOps")


def _required(args: dict[str, Any], name: str) -> str:
    value = str(args.get(name) or "").strip()
    if not value:
        raise ToolError(f"The argument '{name}' is required.")
    return value


def _number(args: dict[str, Any], name: str) -> int:
    try:
        return int(str(args.get(name)).strip())
    except (TypeError, ValueError):
        raise ToolError(f"The argument '{name}' must be a number.") from None


def _field_patch(args: dict[str, Any]) -> list[dict[str, Any]]:
    fields = parse_json_argument(args.get("fields"), "fields")
    if not isinstance(fields, dict) or not fields:
        raise ToolError("The argument 'fields' must be a JSON object of field reference names and values.")
    return [{"op": "add", "path": f"/fields/{name}", "value": value} for name, value in fields.items()]


# --- work items ---


async def search_work_items(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """WIQL, then the found items' fields (at most `limit`, default 50)."""
    query = _required(args, "query")
    limit = min(max(_number({"limit": args.get("limit") or 50}, "limit"), 1), 200)
    found = json.loads(await _call(ctx, site, "POST", "/wit/wiql", params={"$top": limit}, body={"query": query}))
    ids = [str(item["id"]) for item in found.get("workItems", [])][:limit]
    if not ids:
        return "No work items match the query."
    return await _call(ctx, site, "GET", "/wit/workitems", params={"ids": ",".join(ids)})


async def get_work_item(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """One work item with its fields and relations."""
    return await _call(ctx, site, "GET", f"/wit/workitems/{_number(args, 'id')}", params={"$expand": "relations"})


async def create_work_item(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """A new work item of a type (Bug, Task, User Story...) with fields."""
    kind = quote(_required(args, "work_item_type"))
    return await _call(ctx, site, "POST", f"/wit/workitems/${kind}", body=_field_patch(args), headers=_PATCH)


async def update_work_item(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """Set fields of a work item."""
    path = f"/wit/workitems/{_number(args, 'id')}"
    return await _call(ctx, site, "PATCH", path, body=_field_patch(args), headers=_PATCH)


async def add_work_item_comment(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """A comment on a work item's discussion."""
    path = f"/wit/workItems/{_number(args, 'id')}/comments"
    return await _call(ctx, site, "POST", path, body={"text": _required(args, "comment")}, version="7.1-preview.4")


# --- wiki ---


def _wiki_path(args: dict[str, Any]) -> str:
    return f"/wiki/wikis/{quote(_required(args, 'wiki_identified'))}/pages"


async def get_wiki_page_by_path(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """A wiki page's content by its path."""
    params = {"path": _required(args, "page_name"), "includeContent": "true"}
    return await _call(ctx, site, "GET", _wiki_path(args), params=params)


async def get_wiki_page_by_id(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """A wiki page's content by its id."""
    path = f"{_wiki_path(args)}/{_number(args, 'page_id')}"
    return await _call(ctx, site, "GET", path, params={"includeContent": "true"})


async def modify_wiki_page(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """Create the page at a path, or replace its content (with the current version's ETag)."""
    page = _required(args, "page_name")
    content = str(args.get("page_content") or "")
    url = site.url(_wiki_path(args))
    common = {"path": page, "api-version": API_VERSION}
    current = await http_response(ctx, "GET", url, headers=site.headers(), params=common)
    headers = site.headers()
    if current.status_code == 200 and current.headers.get("etag"):
        headers["if-match"] = current.headers["etag"]
    elif current.status_code != 404:
        return answer(current.status_code, current.text, "Azure DevOps")
    response = await http_response(ctx, "PUT", url, headers=headers, params=common, body={"content": content})
    return answer(response.status_code, response.text, "Azure DevOps")


# --- test plans (read) ---


async def get_test_plan(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """One test plan, or every plan of the project when no id is given."""
    plan = args.get("plan_id")
    return await _call(ctx, site, "GET", f"/testplan/plans/{_number(args, 'plan_id')}" if plan else "/testplan/plans")


async def get_test_suite(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """One suite of a plan, or every suite of the plan."""
    base = f"/testplan/Plans/{_number(args, 'plan_id')}/suites"
    suite = args.get("suite_id")
    return await _call(ctx, site, "GET", f"{base}/{_number(args, 'suite_id')}" if suite else base)


async def get_test_cases(ctx: ToolContext, site: Site, args: dict[str, Any]) -> str:
    """The test cases of a suite."""
    path = f"/testplan/Plans/{_number(args, 'plan_id')}/Suites/{_number(args, 'suite_id')}/TestCase"
    return await _call(ctx, site, "GET", path)


Run = Callable[[ToolContext, Site, dict[str, Any]], Awaitable[str]]


@dataclass(slots=True)
class AzureDevOpsTool:
    """One Azure DevOps operation as a tool."""

    binding: Binding
    name: str
    label: str
    description: str
    parameters: dict[str, Any]
    action: Run
    writes: bool = False

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Resolve the integration, then do the operation."""
        site = await _site(ctx, self.binding, args)
        return await self.action(ctx, site, args)


@dataclass(frozen=True, slots=True)
class Operation:
    """An operation's CodeMie name, label, description, arguments and whether it writes."""

    name: str
    label: str
    description: str
    required: tuple[str, ...]
    properties: dict[str, str]
    action: Run
    writes: bool = False
    schema: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        props: dict[str, Any] = {k: {"type": "string", "description": v} for k, v in self.properties.items()}
        props["project"] = {"type": "string", "description": "Project (default: the integration's)"}
        object.__setattr__(self, "schema", {"type": "object", "properties": props, "required": list(self.required)})

    def build(self, binding: Binding) -> AzureDevOpsTool:
        """The tool bound to an assistant."""
        return AzureDevOpsTool(binding, self.name, self.label, self.description, self.schema, self.action, self.writes)


_FIELDS = 'JSON object of field reference names and values, e.g. {"System.Title": "...", "System.State": "Active"}'
_WIKI = "wiki name or id (e.g. MyProject.wiki)"
WORK_ITEM_OPERATIONS = (
    Operation("search_work_items", "Search Work Items", "Find work items with a WIQL query; returns their fields.",
              ("query",), {"query": "WIQL, e.g. SELECT [System.Id] FROM WorkItems WHERE [System.State] = 'Active'",
                           "limit": "at most this many (default 50)"}, search_work_items),
    Operation("get_work_item", "Get Work Item", "A work item's fields and relations.", ("id",),
              {"id": "work item id"}, get_work_item),
    Operation("create_work_item", "Create Work Item", "Create a work item (Bug, Task, User Story, ...).",
              ("work_item_type", "fields"), {"work_item_type": "type name", "fields": _FIELDS}, create_work_item, True),
    Operation("update_work_item", "Update Work Item", "Set fields of a work item.", ("id", "fields"),
              {"id": "work item id", "fields": _FIELDS}, update_work_item, True),
    Operation("add_work_item_comment", "Comment on Work Item", "Add a comment to a work item.", ("id", "comment"),
              {"id": "work item id", "comment": "text (HTML allowed)"}, add_work_item_comment, True),
)  # fmt: skip
WIKI_OPERATIONS = (
    Operation("get_wiki_page_by_path", "Get Wiki Page by Path", "A wiki page's Markdown by its path.",
              ("wiki_identified", "page_name"), {"wiki_identified": _WIKI, "page_name": "page path, e.g. /Runbooks/Deploy"},
              get_wiki_page_by_path),
    Operation("get_wiki_page_by_id", "Get Wiki Page by Id", "A wiki page's Markdown by its id.",
              ("wiki_identified", "page_id"), {"wiki_identified": _WIKI, "page_id": "page id"}, get_wiki_page_by_id),
    Operation("modify_wiki_page", "Create or Update Wiki Page", "Create a wiki page at a path, or replace its content.",
              ("wiki_identified", "page_name", "page_content"),
              {"wiki_identified": _WIKI, "page_name": "page path", "page_content": "Markdown"}, modify_wiki_page, True),
)  # fmt: skip
TEST_PLAN_OPERATIONS = (
    Operation("get_test_plan", "Get Test Plan", "A test plan, or every plan of the project without plan_id.", (),
              {"plan_id": "test plan id (optional)"}, get_test_plan),
    Operation("get_test_suite", "Get Test Suite", "A suite of a test plan, or all its suites without suite_id.",
              ("plan_id",), {"plan_id": "test plan id", "suite_id": "suite id (optional)"}, get_test_suite),
    Operation("get_test_cases", "Get Test Cases", "The test cases of a suite.", ("plan_id", "suite_id"),
              {"plan_id": "test plan id", "suite_id": "suite id"}, get_test_cases),
)  # fmt: skip
