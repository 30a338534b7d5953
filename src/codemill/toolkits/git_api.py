"""VCS toolkit: CodeMie's generic `gitlab` and `github` tools (method, path, arguments) on the Git
integration's host, through the guarded client (see git_hosts for why plain REST)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from codemill.toolkits.base import Binding, answer, http_call, integration, parse_json_argument
from codemill.toolkits.git_hosts import GitHub, GitLab, Repo, api_root
from codemill.tools.base import ToolContext, ToolError

GITLAB_DESCRIPTION = (
    "GitLab REST API v4 on the Git integration's host: method, path after /api/v4 "
    "(e.g. /projects/group%2Fapp/issues), arguments (JSON text: query for GET/DELETE, body otherwise)."
)
GITHUB_DESCRIPTION = (
    "GitHub REST API on the Git integration's host: method, path (e.g. /repos/owner/app/issues), "
    "arguments (JSON text: query for GET/DELETE, body otherwise)."
)
_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "method": {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
        "path": {"type": "string", "description": "API path after the API root, starting with /"},
        "arguments": {"type": "string", "description": "Optional JSON text"},
    },
    "required": ["method", "path"],
}


def _call_arguments(args: dict[str, Any]) -> tuple[str, str, Any]:
    """The generic tools' (method, path, parsed arguments); a clear tool error for each bad one."""
    method = str(args.get("method") or "").upper()
    if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        raise ToolError("The argument 'method' must be one of GET, POST, PUT, PATCH, DELETE.")
    path = str(args.get("path") or "")
    if not path.startswith("/") or path.startswith("//") or "://" in path:
        raise ToolError("The argument 'path' must be an API path starting with /.")
    return method, path, parse_json_argument(args.get("arguments"), "arguments")


@dataclass(slots=True)
class GenericGitApi:
    """Any REST call on the Git integration's host, with its token."""

    binding: Binding
    kind: str
    name: str
    label: str
    description: str
    parameters: dict[str, Any] = field(default_factory=lambda: _PARAMETERS)

    def writes_for(self, args: dict[str, Any]) -> bool:
        """Everything but GET changes the host."""
        return str(args.get("method") or "GET").upper() != "GET"

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Send the call to the host's API root."""
        method, path, arguments = _call_arguments(args)
        found = await integration(ctx, self.binding, "Git")
        url = str(found.values.get("url") or "")
        repo = Repo(self.kind, api_root(url, self.kind), "", str(found.values.get("token") or ""))
        reads = method in ("GET", "DELETE")
        params = arguments if reads and isinstance(arguments, dict) else None
        body = None if reads else arguments
        status, text = await http_call(ctx, method, repo.api + path, headers=repo.headers(), params=params, body=body)
        return answer(status, text, "GitLab" if self.kind == GitLab else "GitHub")


def gitlab_tool(binding: Binding) -> GenericGitApi:
    """CodeMie's generic `gitlab` tool."""
    return GenericGitApi(binding, GitLab, "gitlab", "GitLab", GITLAB_DESCRIPTION)


def github_tool(binding: Binding) -> GenericGitApi:
    """CodeMie's generic `github` tool."""
    return GenericGitApi(binding, GitHub, "github", "GitHub", GITHUB_DESCRIPTION)


AZURE_DEVOPS_GIT_DESCRIPTION = (
    "Azure DevOps REST API (Repos) with the AzureDevOps integration: method, path after the organization URL "
    "(e.g. /MyProject/_apis/git/repositories or /MyProject/_apis/git/repositories/app/pullrequests), arguments "
    "(JSON text: query for GET/DELETE, body otherwise). api-version 7.1 is added when the query has none."
)


@dataclass(slots=True)
class AzureDevOpsGitApi:
    """CodeMie's generic `azure_devops_git` tool: any REST call under the integration's organization."""

    binding: Binding
    name: str = "azure_devops_git"
    label: str = "Azure DevOps Git"
    description: str = AZURE_DEVOPS_GIT_DESCRIPTION
    parameters: dict[str, Any] = field(default_factory=lambda: _PARAMETERS)

    def writes_for(self, args: dict[str, Any]) -> bool:
        """Everything but GET changes the organization."""
        return str(args.get("method") or "GET").upper() != "GET"

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Send the call under {url}/{organization} with the personal access token (basic auth)."""
        method, path, arguments = _call_arguments(args)
        found = await integration(ctx, self.binding, "AzureDevOps")
        root = f"{str(found.values.get('url') or '').rstrip('/')}/{quote(str(found.values.get('organization') or ''))}"
        reads = method in ("GET", "DELETE")
        query = dict(arguments) if reads and isinstance(arguments, dict) else {}
        if "api-version" not in query and "api-version=" not in path:
            query["api-version"] = "7.1"
        token = base64.b64encode(f":{found.values.get('token') or ''}".encode()).decode()
        status, text = await http_call(
            ctx,
            method,
            root + path,
            headers={"authorization": f"Basic {token}"},
            params=query,
            body=None if reads else arguments,
        )
        return answer(status, text, "Azure DevOps")


def azure_devops_git_tool(binding: Binding) -> AzureDevOpsGitApi:
    """CodeMie's generic `azure_devops_git` tool."""
    return AzureDevOpsGitApi(binding)
