"""A2A toolkit: a remote A2A agent as a sub-assistant.

The A2A integration holds the agent's address (`url`: its base URL, where `/.well-known/agent-card.json`
or `/.well-known/agent.json` is served, or the card's own URL) and the credentials its card and its
JSON-RPC endpoint ask for. The tool reads the card, sends the task with `message/send` to the card's `url`
and returns the agent's answer (the task's artifacts, or its reply message). Every request goes through
the guarded outbound client.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from codemill.integrations.checking import CheckFailed
from codemill.integrations.checks_more import a2a_headers
from codemill.kit.outbound import OutboundFailed, OutboundRefused
from codemill.toolkits.base import Binding, cut, integration, outbound
from codemill.tools.base import ToolContext, ToolError

A2A_DESCRIPTION = (
    "Delegate a task to the remote A2A agent of the assistant's A2A integration and return its answer. "
    "Give the whole task in plain words."
)
_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"task": {"type": "string", "description": "The task or question for the remote agent"}},
    "required": ["task"],
}
_CARD_PATHS = ("/.well-known/agent-card.json", "/.well-known/agent.json")
# A remote agent may run a whole turn (tools, a slow model) before it answers.
TIMEOUT_SECONDS = 300.0


def card_urls(url: str) -> list[str]:
    """Where the agent's card may be: the URL itself when it names a card, else the well-known paths."""
    base = url.strip().rstrip("/")
    if base.endswith(".json"):
        return [base]
    return [base + path for path in _CARD_PATHS]


def answer_text(result: Any) -> str:
    """The agent's answer in a message/send result (a Task or a Message); ToolError for a failed task."""
    if not isinstance(result, dict):
        raise ToolError("The remote agent answered without a result.")
    parts: list[Any] = []
    if result.get("kind") == "message" or "parts" in result:
        parts = list(result.get("parts") or [])
    else:
        for artifact in result.get("artifacts") or []:
            parts.extend(artifact.get("parts") or [] if isinstance(artifact, dict) else [])
        found = result.get("status")
        status: dict[str, Any] = found if isinstance(found, dict) else {}
        message = status.get("message")
        if not parts and isinstance(message, dict):
            parts = list(message.get("parts") or [])
        if status.get("state") in ("failed", "rejected", "canceled"):
            reason = " ".join(str(p.get("text") or "") for p in parts if isinstance(p, dict)).strip()
            raise ToolError(f"The remote agent's task ended {status.get('state')}: {cut(reason, 2000) or 'no reason'}")
    texts = [str(p.get("text")) for p in parts if isinstance(p, dict) and p.get("text")]
    return cut("\n".join(texts)) if texts else "(the remote agent gave no text answer)"


@dataclass(slots=True)
class RemoteAgent:
    """A remote A2A agent as a tool."""

    binding: Binding
    name: str = "a2a_agent"
    label: str = "Remote A2A agent"
    description: str = A2A_DESCRIPTION
    parameters: dict[str, Any] = field(default_factory=lambda: _PARAMETERS)

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Read the agent's card, send the task, return the answer."""
        task = str(args.get("task") or "").strip()
        if not task:
            raise ToolError("The argument 'task' is required.")
        credentials = await integration(ctx, self.binding, "A2A")
        url = str(credentials.values.get("url") or "")
        if not url.startswith(("http://", "https://")):
            raise ToolError("The A2A integration has no agent URL: set its url to the agent's base or card URL.")
        try:
            headers = a2a_headers(credentials.values)
        except CheckFailed as exc:
            raise ToolError(str(exc)) from exc
        card = await self._card(ctx, url, headers)
        endpoint = card.get("url")
        if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
            raise ToolError("The remote agent's card has no http(s) url for its JSON-RPC endpoint.")
        return answer_text(await self._send(ctx, endpoint, headers, task))

    async def _get(self, ctx: ToolContext, method: str, url: str, headers: dict[str, str], body: Any = None) -> Any:
        content = None if body is None else json.dumps(body).encode()
        send = {"accept": "application/json", **headers}
        if content is not None:
            send["content-type"] = "application/json"
        try:
            response = await outbound(ctx).request(
                method, url, headers=send, content=content, timeout_seconds=TIMEOUT_SECONDS
            )
        except (OutboundRefused, OutboundFailed) as exc:
            raise ToolError(str(exc)) from exc
        if response.status_code >= 400:
            return response.status_code
        try:
            return response.json()
        except ValueError:
            raise ToolError(f"The remote agent at {url} did not answer with JSON.") from None

    async def _card(self, ctx: ToolContext, url: str, headers: dict[str, str]) -> dict[str, Any]:
        status: Any = None
        for candidate in card_urls(url):
            found = await self._get(ctx, "GET", candidate, headers)
            if isinstance(found, dict) and found.get("name"):
                return found
            status = found
        raise ToolError(
            f"No A2A agent card at {url} (last answer: {status if isinstance(status, int) else 'not a card'})."
        )

    async def _send(self, ctx: ToolContext, endpoint: str, headers: dict[str, str], task: str) -> Any:
        message = {"role": "user", "parts": [{"kind": "text", "text": task}], "messageId": uuid.uuid4().hex}
        request = {"jsonrpc": "2.0", "id": uuid.uuid4().hex, "method": "message/send", "params": {"message": message}}
        reply = await self._get(ctx, "POST", endpoint, headers, request)
        if isinstance(reply, int):
            raise ToolError(f"The remote agent's endpoint answered HTTP {reply}.")
        if not isinstance(reply, dict):
            raise ToolError("The remote agent answered with something other than a JSON-RPC response.")
        error = reply.get("error")
        if isinstance(error, dict):
            raise ToolError(
                f"The remote agent refused the task ({error.get('code')}): {cut(str(error.get('message')), 500)}"
            )
        return reply.get("result")


def a2a_agent_tool(binding: Binding) -> RemoteAgent:
    """The remote-agent tool bound to an assistant."""
    return RemoteAgent(binding)
