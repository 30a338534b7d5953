"""Running one state's node: an assistant (through the chat's agent loop), a direct tool, or a custom node.

A node gets the state's rendered task and the run's context, and returns its output text, its thought
(the state as the user sees it, tool calls as children) and the model calls it made. A failure the
workflow's author should see is a NodeError (the state is retried by its retry policy, then fails).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from codemill.agent.loop import AgentRequest, AgentRun, Final, run_agent
from codemill.assistants import repository as assistants
from codemill.assistants.mcp_tools import inline_mcp_tools, mcp_tools
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.datasources import repository as datasources
from codemill.datasources.assistant_tools import FileTreeTool, ReadFileTool, SearchTool
from codemill.datasources.assistant_tools import tools_for as datasource_tools
from codemill.datasources.sync import GIT
from codemill.errors import CodemillError
from codemill.llm.gateway import LLMGateway
from codemill.llm.provider import ChatMessage
from codemill.llm.usage import ModelCall
from codemill.plugins.assistant_tools import tools_for as plugin_tools
from codemill.settings import Settings
from codemill.tools import registry
from codemill.tools.base import Tool, ToolContext, ToolError
from codemill.workflows.checkpoint import HistoryMessage
from codemill.workflows.config import AssistantNode, CustomNode, CustomNodeType, State, ToolNode, WorkflowConfig
from codemill.workflows.expressions import render_task
from codemill.workspaces.tools import bind_script_peers
from codemill.workspaces.tools import tools_for as workspace_tools

SUMMARY_PROMPT = "Summarise the conversation so far in a few short paragraphs, keeping every fact and decision."


class WorkflowResources(Protocol):
    """What running a workflow uses from the process's Resources."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    llm: LLMGateway
    # Bounds the connections running executions hold at once, so many runs queue instead of exhausting the pool.
    workflow_db_slots: asyncio.Semaphore


class NodeError(Exception):
    """A state failed in a way its author should see."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class RunView:
    """What a node may read of the running execution."""

    resources: WorkflowResources
    principal: Principal
    project: str
    execution_id: str
    config: WorkflowConfig
    values: dict[str, Any]
    history: list[HistoryMessage]
    outputs: dict[str, str]
    # The workflow's id: its tools use the caller's workflow-scoped integration mapping.
    workflow_id: str = ""


@dataclass(slots=True)
class NodeResult:
    output: str
    thought: dict[str, Any]
    calls: list[ModelCall] = field(default_factory=list)


def thought(
    author_name: str, author_type: str, input_text: str, content: str, children: list[dict[str, Any]]
) -> dict[str, Any]:
    """A state's thought as stored (the SDK's WorkflowExecutionThought without its state id)."""
    return {
        "id": str(uuid.uuid4()),
        "parent_id": None,
        "author_name": author_name,
        "author_type": author_type,
        "input_text": input_text,
        "content": content,
        "date": datetime.now(UTC).isoformat(),
        "children": children,
    }


async def run_node(view: RunView, state: State, task: str) -> NodeResult:
    """Run the state's node."""
    config = view.config
    if state.ref in config.assistants and state.kind.value == "assistant":
        return await _assistant(view, state, config.assistants[state.ref], task)
    if state.ref in config.tools and state.kind.value == "tool":
        return await _tool(view, config.tools[state.ref], task)
    return await _custom(view, state, config.custom_nodes[state.ref], task)


def _tool_context(view: RunView, assistant_id: str | None) -> ToolContext:
    resources = view.resources
    return ToolContext(
        principal=view.principal,
        project=view.project,
        assistant_id=assistant_id,
        conversation_id=None,
        sessions=resources.sessions,
        http=resources.http,
        resources=resources,
        extra={"workflow_execution_id": view.execution_id, "workflow_id": view.workflow_id},
    )


async def _assistant(view: RunView, state: State, node: AssistantNode, task: str) -> NodeResult:
    ctx = _tool_context(view, node.assistant_id)
    system, model_name, temperature, top_p, name = (
        node.system_prompt or "",
        node.model,
        node.temperature,
        None,
        node.name,
    )
    tools: dict[str, Tool] = {}
    if node.assistant_id:
        async with view.resources.sessions() as session:
            assistant = await assistants.get(session, node.assistant_id)
        if assistant is None or not policy.can_view_assistant(view.principal, assistant):
            raise NodeError(f"Assistant '{node.assistant_id}' (referenced as '{node.id}') does not exist")
        system = node.system_prompt or assistant.system_prompt
        model_name = node.model or assistant.llm_model_type
        temperature = node.temperature if node.temperature is not None else assistant.temperature
        top_p, name = assistant.top_p, name or assistant.name
        tools |= {t.name: t for t in registry.tools_for(assistant.toolkits or [])}
        for source in (datasource_tools, plugin_tools, mcp_tools, workspace_tools):
            for tool in await source(assistant, ctx):
                tools.setdefault(tool.name, tool)
    for tool in await inline_mcp_tools(node.mcp_servers, view.project, ctx):
        tools.setdefault(tool.name, tool)
    for entry in node.tools:
        found = registry.builtin_tool(str(entry.get("name")))
        if found is not None:
            tools.setdefault(found.name, found)
    for tool in await _datasource_tools(view, node.datasource_ids):
        tools.setdefault(tool.name, tool)
    bind_script_peers(tools)  # a workspace script may call this state's tools, no others
    try:
        model = view.resources.llm.model(model_name)
        provider = view.resources.llm.provider_for(model)
    except CodemillError as exc:
        raise NodeError(exc.message) from None
    message = task or str(view.values.get("user_input") or "") or "Continue."
    if state.output_schema:
        message += "\n\nAnswer with JSON only, matching this JSON schema:\n" + json.dumps(state.output_schema)
    history = [] if state.next.clear_prior_messages else view.history
    messages = [ChatMessage("system", system)] if system.strip() else []
    messages += [ChatMessage("user" if m["role"] == "user" else "assistant", m["content"]) for m in history]
    messages.append(ChatMessage("user", message))
    run = AgentRun()
    llm = view.resources.settings.llm
    request = AgentRequest(
        provider=provider,
        model=model,
        messages=messages,
        tools=list(tools.values()) if model.features.tools else [],
        tool_context=ctx,
        temperature=temperature,
        top_p=top_p,
        recursion_limit=llm.recursion_limit,
        tool_output_max_tokens=llm.tool_output_max_tokens,
        tool_timeout_seconds=llm.tool_timeout_seconds,
    )
    final: Final | None = None
    async with aclosing(run_agent(request, run)) as events:
        async for event in events:
            if isinstance(event, Final):
                final = event
    if final is None or not final.success:
        reason = (final.agent_error or {}).get("message") if final else None
        raise NodeError(f"The assistant failed: {reason or 'no answer'}")
    if state.output_schema:
        _check_schema(final.text, state.output_schema)
    children = [t.record() for t in run.thoughts]
    return NodeResult(final.text, thought(name or node.id, "Assistant", message, final.text, children), list(run.calls))


async def _datasource_tools(view: RunView, ids: list[str]) -> list[Tool]:
    tools: list[Tool] = []
    if not ids:
        return tools
    async with view.resources.sessions() as session:
        for datasource_id in ids:
            ds = await datasources.get(session, datasource_id)
            if ds is None or not policy.can_view_datasource(view.principal, ds):
                raise NodeError(f"Datasource '{datasource_id}' does not exist")
            if ds.index_type == GIT:
                tools += [SearchTool(ds, code=True), FileTreeTool(ds), ReadFileTool(ds)]
            else:
                tools.append(SearchTool(ds, code=False))
    return tools


def _check_schema(text: str, schema: dict[str, Any]) -> None:
    try:
        data = json.loads(text.strip().removeprefix("```json").removesuffix("```"))
    except ValueError:
        raise NodeError("The answer is not JSON, but the state has an output_schema") from None
    required = schema.get("required") or []
    if not isinstance(data, dict) or any(key not in data for key in required):
        raise NodeError(f"The answer does not match the output_schema (required: {', '.join(map(str, required))})")


async def _direct_tool(node: ToolNode, project: str, ctx: ToolContext) -> Tool:
    """A tool node's tool: a built-in one, or the named tool of the node's MCP server."""
    if node.mcp_server is None:
        tool = registry.builtin_tool(node.tool)
    else:
        offered = await inline_mcp_tools([node.mcp_server], project, ctx)
        tool = next((t for t in offered if t.name == node.tool), None)
    if tool is None:
        where = f" on MCP server '{node.mcp_server.get('name')}'" if node.mcp_server else ""
        raise NodeError(f"Tool '{node.tool}' does not exist{where}")
    return tool


async def _tool(view: RunView, node: ToolNode, task: str) -> NodeResult:
    args = {k: await render_task(v, view.values) if isinstance(v, str) else v for k, v in node.tool_args.items()}
    ctx = _tool_context(view, None)
    tool = await _direct_tool(node, view.project, ctx)
    timeout = view.resources.settings.llm.tool_timeout_seconds
    try:
        output = await asyncio.wait_for(tool.run(args, ctx), timeout)
    except ToolError as exc:
        raise NodeError(f"Tool '{node.tool}' failed: {exc.message}") from None
    except TimeoutError:
        raise NodeError(f"Tool '{node.tool}' did not finish within {timeout:g} s") from None
    if node.tool_result_json_pointer:
        try:
            picked = json_pointer(first_json(output), node.tool_result_json_pointer)
        except (ValueError, LookupError) as exc:
            raise NodeError(f"tool_result_json_pointer '{node.tool_result_json_pointer}': {exc}") from None
        output = picked if isinstance(picked, str) else json.dumps(picked)
    shown = json.dumps(args, ensure_ascii=False, default=str)
    return NodeResult(str(output), thought(node.tool, "Tool", task or shown, str(output), []))


async def _custom(view: RunView, state: State, node: CustomNode, task: str) -> NodeResult:
    cfg = node.config
    calls: list[ModelCall] = []
    if node.kind is CustomNodeType.TRANSFORM:
        result: dict[str, Any] = {}
        for key, template in (cfg.get("mapping") or {}).items():
            value = await render_task(template, view.values) if isinstance(template, str) else template
            if isinstance(value, str) and (cfg.get("parse_json") or value.strip()[:1] in ("[", "{")):
                value = _json_or_text(value)
            result[str(key)] = value
        output = json.dumps(result, ensure_ascii=False, default=str)
    elif node.kind is CustomNodeType.STATE_PROCESSOR:
        wanted = [str(s) for s in cfg.get("states") or view.outputs]
        template = str(cfg.get("template") or "{{ output }}\n")
        parts = [
            await render_task(template, view.values | {"state": s, "output": view.outputs[s]})
            for s in wanted
            if s in view.outputs
        ]
        output = "".join(parts)
    elif node.kind is CustomNodeType.RESULT_FINALIZER:
        template = cfg.get("template")
        output = (
            await render_task(str(template), view.values) if template else next(reversed(view.outputs.values()), "")
        )
    else:
        output, calls = await _summarize(view)
    return NodeResult(output, thought(node.id, "CustomNode", task or node.kind.value, output, []), calls)


async def _summarize(view: RunView) -> tuple[str, list[ModelCall]]:
    transcript = "\n\n".join(f"{m['role']}: {m['content']}" for m in view.history) or "(nothing yet)"
    try:
        model = view.resources.llm.model(None)
        provider = view.resources.llm.provider_for(model)
    except CodemillError as exc:
        raise NodeError(exc.message) from None
    run = AgentRun()
    request = AgentRequest(
        provider,
        model,
        [ChatMessage("system", SUMMARY_PROMPT), ChatMessage("user", transcript)],
        [],
        _tool_context(view, None),
    )
    final: Final | None = None
    async with aclosing(run_agent(request, run)) as events:
        async for event in events:
            if isinstance(event, Final):
                final = event
    if final is None or not final.success:
        raise NodeError("The summary could not be made")
    return final.text, list(run.calls)


def first_json(text: str) -> Any:
    """The tool output as JSON, or the first JSON object or list inside it (tools often add a line of prose)."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    decoder = json.JSONDecoder()
    for start, char in enumerate(text):
        if char in "{[":
            try:
                return decoder.raw_decode(text, start)[0]
            except ValueError:
                continue
    raise ValueError("the tool's output holds no JSON")


def json_pointer(document: Any, pointer: str) -> Any:
    """The value at an RFC 6901 JSON pointer ("/items/0/name"); LookupError when it is not there."""
    if pointer in ("", "/"):
        return document
    value = document
    for raw in pointer.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, list):
            if not part.isdigit() or int(part) >= len(value):
                raise LookupError(f"no item {part!r}")
            value = value[int(part)]
        elif isinstance(value, dict):
            if part not in value:
                raise LookupError(f"no key {part!r}")
            value = value[part]
        else:
            raise LookupError(f"nothing under {part!r}")
    return value


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
