"""Cloud toolkit: CodeMie's `Kubernetes` tool (method, suburl, body) on the integration's API server.

Plain REST through the guarded client rather than the official `kubernetes` client: that client is
synchronous, carries its own HTTP stack (it would bypass the SSRF guard) and its typed API adds
nothing to a generic call. The Kubernetes integration gives the API server URL and a bearer token.
Read-only by default: only GET runs (a `watch` is refused: it never ends) unless the integration
sets `allow_writes`; a write also waits for the user's approval under the default policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codemill.toolkits.aws import allows_writes
from codemill.toolkits.base import Binding, answer, http_call, integration, parse_json_argument
from codemill.tools.base import ToolContext, ToolError

KUBERNETES_DESCRIPTION = (
    "Kubernetes API call with the Kubernetes integration: method, suburl (the API path, e.g. "
    "/api/v1/namespaces/shop/pods or /apis/apps/v1/namespaces/shop/deployments/web), body (JSON text for "
    'POST/PUT/PATCH; for GET its keys become query parameters, e.g. {"labelSelector": "app=web"}). '
    "Read-only (GET) unless the integration allows writes."
)
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "method": {"type": "string", "enum": list(_METHODS)},
        "suburl": {"type": "string", "description": "API path starting with /api or /apis"},
        "body": {"type": "string", "description": "Optional JSON text"},
    },
    "required": ["method", "suburl"],
}


@dataclass(slots=True)
class KubernetesApi:
    """CodeMie's `Kubernetes` tool."""

    binding: Binding
    name: str = "Kubernetes"
    label: str = "Kubernetes"
    description: str = KUBERNETES_DESCRIPTION
    parameters: dict[str, Any] = field(default_factory=lambda: _PARAMETERS)

    def writes_for(self, args: dict[str, Any]) -> bool:
        """Everything but GET changes the cluster."""
        return str(args.get("method") or "GET").upper() != "GET"

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Send the call to the API server with the bearer token."""
        method = str(args.get("method") or "").upper()
        if method not in _METHODS:
            raise ToolError("The argument 'method' must be one of GET, POST, PUT, PATCH, DELETE.")
        path = str(args.get("suburl") or "")
        if not path.startswith(("/api/", "/apis/", "/version")) or "://" in path or ".." in path:
            raise ToolError("The argument 'suburl' must be an API path starting with /api/, /apis/ or /version.")
        body = parse_json_argument(args.get("body"), "body")
        params = body if method == "GET" and isinstance(body, dict) else None
        if "watch=" in path.lower() or (params and str(params.get("watch", "")).lower() in ("true", "1")):
            raise ToolError("Watches are not supported: list the resources instead.")
        found = await integration(ctx, self.binding, "Kubernetes")
        if method != "GET" and not allows_writes(found.values):
            raise ToolError(
                f"{method} changes the cluster; this Kubernetes integration is read-only (GET). "
                "Set allow_writes on the integration to allow writes."
            )
        server = str(found.values.get("kubernetes_url") or "").rstrip("/")
        headers = {"authorization": f"Bearer {found.values.get('kubernetes_token') or ''}"}
        if method == "PATCH":
            headers["content-type"] = "application/merge-patch+json"
        status, text = await http_call(
            ctx, method, server + path, headers=headers, params=params, body=None if method == "GET" else body
        )
        return answer(status, text, "Kubernetes")


def kubernetes_tool(binding: Binding) -> KubernetesApi:
    """The `Kubernetes` tool bound to an assistant."""
    return KubernetesApi(binding)
