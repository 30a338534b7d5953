"""VCS toolkit: CodeMie's generic `gitlab` and `github` tools (method, path, arguments) on the Git
integration's host, through the guarded client (see git_hosts for why plain REST)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
        method = str(args.get("method") or "").upper()
        if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            raise ToolError("The argument 'method' must be one of GET, POST, PUT, PATCH, DELETE.")
        path = str(args.get("path") or "")
        if not path.startswith("/") or path.startswith("//") or "://" in path:
            raise ToolError("The argument 'path' must be an API path starting with /.")
        arguments = parse_json_argument(args.get("arguments"), "arguments")
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
