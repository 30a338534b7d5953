"""Project Management toolkit: CodeMie's generic Jira and Confluence tools (method, relative URL, params).

Plain REST through the guarded client rather than the `atlassian-python-api` SDK: the generic tools
pass the model's method, path and parameters straight to Jira's and Confluence's REST APIs, so a
client library would add nothing but weight, and it would bypass the SSRF guard. Authentication
follows the Jira/Confluence integration: with a username (Cloud: the account email) basic
username:token; without one (Server/Data Center personal access token) a bearer token.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from codemill.toolkits.base import Binding, answer, http_call, integration, parse_json_argument
from codemill.tools.base import ToolContext, ToolError

READ_METHODS = ("GET", "HEAD")
# POST endpoints that only read (search): they never wait for approval.
_READING_POSTS = ("/search", "/search/jql", "/content/search")

_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "method": {"type": "string", "enum": ["GET", "POST", "PUT", "DELETE", "PATCH"], "description": "HTTP method"},
        "relative_url": {"type": "string", "description": "REST path after the site URL, starting with /rest/"},
        "params": {
            "type": "string",
            "description": "Optional JSON text: the query parameters for GET/DELETE, the request body otherwise",
        },
    },
    "required": ["method", "relative_url"],
}

JIRA_DESCRIPTION = (
    "Jira REST API (v2 on Server/Data Center, v2 or v3 on Cloud). Examples: search issues with JQL "
    '(GET /rest/api/2/search, params {"jql": "project = PAY AND status = Open", "maxResults": 20}); '
    "get an issue (GET /rest/api/2/issue/PAY-1); create one (POST /rest/api/2/issue with "
    '{"fields": {...}}); update (PUT /rest/api/2/issue/PAY-1); comment (POST /rest/api/2/issue/PAY-1/comment '
    '{"body": "..."}); transitions (GET, then POST /rest/api/2/issue/PAY-1/transitions {"transition": {"id": "31"}}).'
)
CONFLUENCE_DESCRIPTION = (
    "Confluence REST API. Examples: search with CQL (GET /rest/api/content/search, params "
    '{"cql": "space = ENG and title ~ \\"runbook\\"", "limit": 10}); get a page with its body '
    '(GET /rest/api/content/123, params {"expand": "body.storage,version"}); create a page (POST '
    '/rest/api/content {"type": "page", "title": "...", "space": {"key": "ENG"}, "body": {"storage": '
    '{"value": "<p>...</p>", "representation": "storage"}}}); update (PUT /rest/api/content/123 with the next version number).'
)


def auth_headers(values: dict[str, Any]) -> dict[str, str]:
    """Basic username:token when a username is given (Cloud), else a bearer token (Server/DC PAT)."""
    token = str(values.get("token") or "")
    username = str(values.get("username") or "")
    if username:
        return {"authorization": "Basic " + base64.b64encode(f"{username}:{token}".encode()).decode()}
    return {"authorization": f"Bearer {token}"}


@dataclass(slots=True)
class AtlassianTool:
    """A generic REST tool for one Atlassian product (the credential type names it)."""

    binding: Binding
    name: str
    label: str
    description: str
    credential_type: str
    parameters: dict[str, Any] = field(default_factory=lambda: _PARAMETERS)

    def writes_for(self, args: dict[str, Any]) -> bool:
        """Everything but GET (and the search POSTs) changes Jira or Confluence."""
        method = str(args.get("method") or "GET").upper()
        if method in READ_METHODS:
            return False
        path = str(args.get("relative_url") or "").split("?", 1)[0].rstrip("/")
        return not (method == "POST" and path.endswith(_READING_POSTS))

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Send the call to the integration's site."""
        method = str(args.get("method") or "").upper()
        if method not in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"):
            raise ToolError("The argument 'method' must be one of GET, POST, PUT, DELETE, PATCH.")
        path = str(args.get("relative_url") or "")
        if not path.startswith("/") or "://" in path or path.startswith("//"):
            raise ToolError("The argument 'relative_url' must be a path starting with / (e.g. /rest/api/2/myself).")
        params = parse_json_argument(args.get("params"), "params")
        found = await integration(ctx, self.binding, self.credential_type)
        site = str(found.values.get("url") or "").rstrip("/")
        query = params if method in ("GET", "HEAD", "DELETE") and isinstance(params, dict) else None
        body = None if method in ("GET", "HEAD", "DELETE") else params
        status, text = await http_call(
            ctx, method, site + path, headers=auth_headers(found.values), params=query, body=body
        )
        return answer(status, text, self.credential_type)


def jira_tool(binding: Binding) -> AtlassianTool:
    """CodeMie's generic_jira_tool."""
    return AtlassianTool(binding, "generic_jira_tool", "Generic Jira", JIRA_DESCRIPTION, "Jira")


def confluence_tool(binding: Binding) -> AtlassianTool:
    """CodeMie's generic_confluence_tool."""
    return AtlassianTool(binding, "generic_confluence_tool", "Generic Confluence", CONFLUENCE_DESCRIPTION, "Confluence")
