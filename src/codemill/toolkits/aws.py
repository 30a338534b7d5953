"""Cloud toolkit: CodeMie's `AWS` tool (service, method, arguments) through botocore.

botocore (already a dependency; boto3 would only add resource objects) builds, signs and parses
every call from AWS's own service models, so any service and operation works. The request itself
does not leave through botocore's HTTP stack: a `before-send` hook hands it to the guarded client
(SSRF rules, pinned addresses), and botocore parses the answer. Only read operations
(Describe*, List*, Get*, Head*) run unless the AWS integration sets `allow_writes`; a write also
waits for the user's approval under the default policy. botocore is synchronous, so a call runs in
a worker thread; it is imported when an AWS tool is first built (about 7 MB).
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Any

from codemill.kit.outbound import OutboundClient, OutboundFailed, OutboundRefused
from codemill.toolkits.base import Binding, cut, integration, outbound, parse_json_argument
from codemill.tools.base import ToolContext, ToolError

_READS = re.compile(r"^(describe|list|get|head)_", re.I)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
AWS_DESCRIPTION = (
    "Call an AWS API operation with the AWS integration's credentials: service (botocore name, e.g. ec2, s3, "
    "lambda), method_name (snake_case, e.g. describe_instances), method_arguments (JSON text of the "
    "operation's parameters). Read operations (describe/list/get/head) only, unless the integration allows writes."
)
_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "service": {"type": "string", "description": "botocore service name, e.g. s3"},
        "method_name": {"type": "string", "description": "snake_case operation, e.g. list_buckets"},
        "method_arguments": {"type": "string", "description": "Optional JSON text of the parameters"},
    },
    "required": ["service", "method_name"],
}


def reads_only(method: str) -> bool:
    """Whether an operation (snake_case) only reads."""
    return bool(_READS.match(method))


def allows_writes(values: dict[str, Any]) -> bool:
    """Whether the integration lets the tool write (off unless set to true)."""
    flag = values.get("allow_writes")
    return flag is True or str(flag).strip().lower() in ("true", "1", "yes")


class _Body:
    """The raw-response shape botocore reads a body from."""

    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Any:
        yield self._content


def _call(
    values: dict[str, Any], service: str, method: str, arguments: dict[str, Any], guard: OutboundClient, loop: Any
) -> Any:
    """Runs in a worker thread: build the client, send through the guard on the event loop, parse."""
    # botocore (~7 MB) loads when an AWS call is first made, not at start-up.
    import botocore.session
    from botocore.awsrequest import AWSResponse
    from botocore.compat import HTTPHeaders
    from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

    session = botocore.session.get_session()
    try:
        client = session.create_client(
            service,
            region_name=str(values.get("aws_region") or "us-east-1"),
            endpoint_url=str(values.get("aws_endpoint_url") or "") or None,
            aws_access_key_id=str(values.get("aws_access_key_id") or ""),
            aws_secret_access_key=str(values.get("aws_secret_access_key") or ""),
            aws_session_token=str(values.get("aws_session_token") or "") or None,
        )
    except BotoCoreError as exc:
        raise ToolError(f"AWS service '{service}': {exc}") from exc

    def send(request: Any, **_: Any) -> Any:
        body = request.body
        content = body.encode() if isinstance(body, str) else (body.read() if hasattr(body, "read") else body)
        future = asyncio.run_coroutine_threadsafe(
            guard.request(request.method, request.url, headers=dict(request.headers.items()), content=content), loop
        )
        response = future.result()
        headers = HTTPHeaders()
        for key, value in response.headers.multi_items():
            headers[key] = value
        return AWSResponse(request.url, response.status_code, headers, _Body(response.content))

    client.meta.events.register("before-send", send)
    operation = getattr(client, method, None)
    if operation is None or method.startswith("_") or method not in client.meta.method_to_api_mapping:
        raise ToolError(f"AWS service '{service}' has no operation '{method}'.")
    try:
        result = operation(**arguments)
    except ParamValidationError as exc:
        raise ToolError(f"Invalid arguments for {service}.{method}: {exc}") from exc
    except ClientError as exc:
        raise ToolError(f"AWS refused {service}.{method}: {exc}") from exc
    except (OutboundRefused, OutboundFailed) as exc:
        raise ToolError(str(exc)) from exc
    except BotoCoreError as exc:
        raise ToolError(f"AWS call {service}.{method} failed: {exc}") from exc
    if isinstance(result, dict):
        result.pop("ResponseMetadata", None)
    return result


@dataclass(slots=True)
class AwsTool:
    """CodeMie's `AWS` tool."""

    binding: Binding
    name: str = "AWS"
    label: str = "AWS"
    description: str = AWS_DESCRIPTION
    parameters: dict[str, Any] = field(default_factory=lambda: _PARAMETERS)

    def writes_for(self, args: dict[str, Any]) -> bool:
        """Anything but a describe/list/get/head operation writes."""
        return not reads_only(str(args.get("method_name") or ""))

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Make the call in a worker thread; the answer as JSON."""
        service, method = str(args.get("service") or "").lower(), str(args.get("method_name") or "")
        if not _NAME.match(service) or not _NAME.match(method):
            raise ToolError("The arguments 'service' and 'method_name' must be botocore names (e.g. s3, list_buckets).")
        arguments = parse_json_argument(args.get("method_arguments"), "method_arguments") or {}
        if not isinstance(arguments, dict):
            raise ToolError("The argument 'method_arguments' must be a JSON object.")
        found = await integration(ctx, self.binding, "AWS")
        if not reads_only(method) and not allows_writes(found.values):
            raise ToolError(
                f"{service}.{method} changes AWS resources; this AWS integration is read-only "
                "(describe/list/get/head operations). Set allow_writes on the integration to allow writes."
            )
        guard = outbound(ctx)
        loop = asyncio.get_running_loop()
        result = await asyncio.to_thread(_call, found.values, service, method, arguments, guard, loop)
        return cut(json.dumps(result, default=str))


def aws_tool(binding: Binding) -> AwsTool:
    """The `AWS` tool bound to an assistant."""
    return AwsTool(binding)
