"""Sub-assistants: an assistant's `assistant_ids` become tools that run those assistants.

Each sub-assistant the caller may see becomes a tool taking a task; calling it runs that assistant's
own agent (its model, prompt and tools, its integrations resolved for the same caller) on the task
and returns its answer. Access is checked for the caller at chat time (an assistant they can no
longer see is not offered). Recursion is bounded twice: an assistant already running in the chain
is never offered again, and the chain stops at MAX_DEPTH. A sub-assistant cannot stop to ask the
user for an approval: a write tool that would wait ends its run with a note saying so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from typing import Any

from codemill.agent.loop import AgentRequest, AgentRun, Final, run_agent
from codemill.assistants import service as assistants
from codemill.auth.principal import Principal
from codemill.errors import CodemillError
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.gateway import ProviderCredentials
from codemill.llm.provider import ChatMessage
from codemill.models import Assistant
from codemill.tools.base import Tool, ToolContext, ToolError

log = logging.getLogger(__name__)
MAX_DEPTH = 2
CHAIN_KEY = "assistant_chain"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")

ToolsOf = Callable[[Assistant, ToolContext], Awaitable[list[Tool]]]
CredentialsOf = Callable[[Any, Principal, Assistant, CatalogueModel], Awaitable[ProviderCredentials | None]]


def tool_name(assistant: Assistant) -> str:
    """A tool name for the assistant (letters, digits, _ and -; at most 64 characters)."""
    return ("assistant_" + _UNSAFE.sub("_", assistant.name).strip("_").lower())[:64] or f"assistant_{assistant.id[:8]}"


@dataclass(slots=True)
class SubAssistantTool:
    """Runs one sub-assistant on a task."""

    assistant: Assistant
    tools_of: ToolsOf
    credentials_of: CredentialsOf
    name: str = ""
    description: str = ""
    parameters: dict[str, Any] = field(
        default_factory=lambda: {
            "type": "object",
            "properties": {"task": {"type": "string", "description": "What the assistant should do, in full"}},
            "required": ["task"],
        }
    )

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """The sub-assistant's answer to the task."""
        task = str(args.get("task") or "").strip()
        if not task:
            raise ToolError("The argument 'task' is required.")
        resources = ctx.resources
        if resources is None:
            raise ToolError(f"The assistant '{self.assistant.name}' cannot run in this process.")
        chain = [*ctx.extra.get(CHAIN_KEY, []), self.assistant.id]
        child = replace(ctx, assistant_id=self.assistant.id, extra={**ctx.extra, CHAIN_KEY: chain}, approvals=None)
        try:
            model = resources.llm.model(self.assistant.llm_model_type)
            async with ctx.sessions() as session:
                credentials = await self.credentials_of(session, ctx.principal, self.assistant, model)
            provider = resources.llm.provider_for(model, credentials)
        except CodemillError as exc:
            raise ToolError(f"The assistant '{self.assistant.name}' cannot run: {exc.message}") from exc
        tools = await self.tools_of(self.assistant, child) if model.features.tools else []
        messages = [ChatMessage("system", self.assistant.system_prompt)] if self.assistant.system_prompt else []
        messages.append(ChatMessage("user", task))
        llm = resources.settings.llm
        request = AgentRequest(
            provider=provider,
            model=model,
            messages=messages,
            tools=tools,
            tool_context=child,
            temperature=self.assistant.temperature,
            top_p=self.assistant.top_p,
            recursion_limit=llm.recursion_limit,
            tool_output_max_tokens=self.assistant.tools_tokens_size_limit or llm.tool_output_max_tokens,
            tool_timeout_seconds=llm.tool_timeout_seconds,
        )
        final: Final | None = None
        async with aclosing(run_agent(request, AgentRun())) as events:
            async for event in events:
                if isinstance(event, Final):
                    final = event
        assert final is not None  # run_agent always ends with a Final
        if final.pending is not None:
            return (
                f"{final.text}\n[The assistant '{self.assistant.name}' stopped before its tool "
                f"'{final.pending.tool_name}', which needs the user's approval; a sub-assistant cannot ask for it.]"
            )
        if not final.success:
            raise ToolError(f"The assistant '{self.assistant.name}' failed: {(final.agent_error or {}).get('message')}")
        return final.text


async def sub_assistant_tools(
    assistant: Assistant, ctx: ToolContext, tools_of: ToolsOf, credentials_of: CredentialsOf
) -> list[Tool]:
    """Tools for the assistant's sub-assistants the caller may see (none past MAX_DEPTH or in the chain)."""
    chain = [*ctx.extra.get(CHAIN_KEY, []), assistant.id]
    if not assistant.assistant_ids or len(chain) > MAX_DEPTH:
        return []
    found: list[Tool] = []
    async with ctx.sessions() as session:
        for sub_id in assistant.assistant_ids:
            if sub_id in chain:
                continue
            try:
                sub = await assistants.get_visible(session, ctx.principal, sub_id)
            except CodemillError:  # deleted, or no longer visible to this caller
                log.info("sub-assistant not offered", extra={"assistant": assistant.id, "sub_assistant": sub_id})
                continue
            about = sub.description or sub.name
            found.append(
                SubAssistantTool(
                    sub, tools_of, credentials_of, tool_name(sub), f"Ask the assistant '{sub.name}': {about}"[:1000]
                )
            )
    return found
