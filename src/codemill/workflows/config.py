"""The workflow YAML language (CodeMie's), read into typed objects, every problem reported with its line.

Top level: `assistants`, `tools`, `custom_nodes`, `states` (the first state is the entry), and the
execution settings `max_concurrency`, `recursion_limit`, `retry_policy`. A state runs exactly one of an
assistant (`assistant_id`), a direct tool (`tool_id`) or a custom node (`custom_node_id`), with its `task`
(a sandboxed Jinja2 template over the context store), then follows `next`: `state_id` (or `end`),
`state_ids` (parallel fan-out; states that several branches lead to run once, after all of them: the
join), `condition {expression, then, otherwise}` or `switch {cases, default}`; `iter_key` runs the next
state once per item of a context-store list. `next` also says what happens to the output:
`output_key`, `store_in_context`, `include_in_llm_history`, `clear_prior_messages`, `append_to_context`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from codemill.workflows.yaml_source import Path, YamlSource

END = "end"
PROBLEM_PREFIX = "Invalid YAML config was provided:"


class NodeKind(StrEnum):
    ASSISTANT = "assistant"
    TOOL = "tool"
    CUSTOM = "custom"


class CustomNodeType(StrEnum):
    TRANSFORM = "transform"
    STATE_PROCESSOR = "state_processor"
    RESULT_FINALIZER = "result_finalizer"
    SUMMARIZE = "summarize"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the YAML, where it is, in CodeMie's words."""

    where: str
    message: str
    line: int | None
    resource_type: str = "state"
    resource_id: str | None = None

    def text(self, number: int) -> str:
        """`1) In 'review' state (line 12): 'next' is required`."""
        at = f" (line {self.line})" if self.line is not None else ""
        return f"{number}) In {self.where}{at}: {self.message}"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often a failing state is tried again, and how long to wait between tries."""

    max_attempts: int = 1
    initial_interval: float = 0.5
    backoff_factor: float = 2.0
    max_interval: float = 10.0


@dataclass(slots=True)
class AssistantNode:
    id: str
    line: int | None
    assistant_id: str | None = None
    model: str | None = None
    system_prompt: str | None = None
    temperature: float | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    datasource_ids: list[str] = field(default_factory=list)
    mcp_servers: list[dict[str, Any]] = field(default_factory=list)
    name: str | None = None


@dataclass(slots=True)
class ToolNode:
    id: str
    tool: str
    line: int | None
    tool_args: dict[str, Any] = field(default_factory=dict)
    integration_alias: str | None = None
    tool_result_json_pointer: str | None = None
    # An MCP server entry (as on assistants): the tool is that server's, called through MCP Connect.
    mcp_server: dict[str, Any] | None = None


@dataclass(slots=True)
class CustomNode:
    id: str
    kind: CustomNodeType
    line: int | None
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Case:
    condition: str
    state_id: str


@dataclass(slots=True)
class Next:
    state_id: str | None = None
    state_ids: list[str] = field(default_factory=list)
    condition: tuple[str, str, str] | None = None  # expression, then, otherwise
    switch: tuple[list[Case], str] | None = None  # cases, default
    iter_key: str | None = None
    output_key: str | None = None
    store_in_context: bool = True
    include_in_llm_history: bool = True
    clear_prior_messages: bool = False
    append_to_context: bool = False
    # Where each target was written (for errors about it).
    lines: dict[str, int | None] = field(default_factory=dict)

    def targets(self) -> list[str]:
        """Every state this `next` may lead to (END included)."""
        found: list[str] = []
        if self.state_id:
            found.append(self.state_id)
        found += self.state_ids
        if self.condition:
            found += [self.condition[1], self.condition[2]]
        if self.switch:
            found += [c.state_id for c in self.switch[0]] + [self.switch[1]]
        return found


@dataclass(slots=True)
class State:
    id: str
    kind: NodeKind
    ref: str
    line: int | None
    index: int
    ref_line: int | None = None
    task: str = ""
    next: Next = field(default_factory=Next)
    interrupt_before: bool = False
    retry_policy: RetryPolicy | None = None
    output_schema: dict[str, Any] | None = None


@dataclass(slots=True)
class WorkflowConfig:
    assistants: dict[str, AssistantNode]
    tools: dict[str, ToolNode]
    custom_nodes: dict[str, CustomNode]
    states: dict[str, State]
    entry: str
    max_concurrency: int = 5
    recursion_limit: int = 50
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    enable_summarization_node: bool = False

    def state(self, state_id: str) -> State:
        """A state by id."""
        return self.states[state_id]


class Reader:
    """Reads a YamlSource into a WorkflowConfig, collecting problems instead of stopping at the first."""

    def __init__(self, source: YamlSource) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def problem(
        self, where: str, message: str, path: Path, resource_type: str = "state", rid: str | None = None
    ) -> None:
        self.problems.append(Problem(where, message, self.source.line(path), resource_type, rid))

    def _list(self, key: str) -> list[Any]:
        value = self.source.data.get(key) or []
        if not isinstance(value, list):
            self.problem(f"'{key}'", "must be a list", (key,), key)
            return []
        return value

    def read(self) -> WorkflowConfig | None:
        data = self.source.data
        assistants = {a.id: a for a in (self._assistant(i, v) for i, v in enumerate(self._list("assistants"))) if a}
        tools = {t.id: t for t in (self._tool(i, v) for i, v in enumerate(self._list("tools"))) if t}
        custom = {c.id: c for c in (self._custom(i, v) for i, v in enumerate(self._list("custom_nodes"))) if c}
        states: dict[str, State] = {}
        for index, raw in enumerate(self._list("states")):
            state = self._state(index, raw)
            if state is None:
                continue
            if state.id in states:
                self.problem(f"'states[{index}]'", f"duplicate state id '{state.id}'", ("states", index, "id"))
            states[state.id] = state
        if not states:
            return None
        return WorkflowConfig(
            assistants,
            tools,
            custom,
            states,
            entry=next(iter(states)),
            max_concurrency=self._int(data, "max_concurrency", 5, ("max_concurrency",), 1, 100),
            recursion_limit=self._int(data, "recursion_limit", 50, ("recursion_limit",), 1, 10_000),
            retry_policy=self._retry(data.get("retry_policy"), ("retry_policy",)) or RetryPolicy(),
            enable_summarization_node=bool(data.get("enable_summarization_node", False)),
        )

    def _int(self, data: dict[str, Any], key: str, default: int, path: Path, low: int, high: int) -> int:
        value = data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.problem(f"'{key}'", f"must be a whole number from {low} to {high}", path, key)
            return default
        return value

    def _retry(self, raw: Any, path: Path) -> RetryPolicy | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.problem("'retry_policy'", "must be a mapping", path, "retry_policy")
            return None
        try:
            return RetryPolicy(
                max_attempts=max(1, min(int(raw.get("max_attempts", 1)), 10)),
                initial_interval=max(0.0, float(raw.get("initial_interval", 0.5))),
                backoff_factor=max(1.0, float(raw.get("backoff_factor", 2.0))),
                max_interval=max(0.0, float(raw.get("max_interval", 10.0))),
            )
        except (TypeError, ValueError):
            self.problem("'retry_policy'", "values must be numbers", path, "retry_policy")
            return None

    def _id(self, raw: Any, section: str, index: int) -> str | None:
        if not isinstance(raw, dict):
            self.problem(f"'{section}[{index}]'", "must be a mapping", (section, index), f"{section}[{index}]")
            return None
        value = raw.get("id")
        if not isinstance(value, str) or not value.strip():
            self.problem(f"'{section}[{index}]'", "'id' is required", (section, index), f"{section}[{index}]")
            return None
        return value

    def _assistant(self, index: int, raw: Any) -> AssistantNode | None:
        node_id = self._id(raw, "assistants", index)
        if node_id is None:
            return None
        path: Path = ("assistants", index)
        if not raw.get("assistant_id") and not raw.get("system_prompt"):
            self.problem(
                f"'assistants[{index}]'", "at least one of 'system_prompt' or 'assistant_id' must be set", path,
                "assistant", node_id,
            )  # fmt: skip
        tools = raw.get("tools") or []
        for t_index, tool in enumerate(tools if isinstance(tools, list) else []):
            if not isinstance(tool, dict) or not tool.get("name"):
                self.problem(
                    f"'assistants[{index}].tools[{t_index}]'", "'name' is required", (*path, "tools", t_index),
                    "assistant", node_id,
                )  # fmt: skip
        temperature = raw.get("temperature")
        return AssistantNode(
            id=node_id,
            line=self.source.line(path),
            assistant_id=_str_or_none(raw.get("assistant_id")),
            model=_str_or_none(raw.get("model")),
            system_prompt=_str_or_none(raw.get("system_prompt")),
            temperature=float(temperature) if isinstance(temperature, int | float) else None,
            tools=[t for t in tools if isinstance(t, dict)] if isinstance(tools, list) else [],
            datasource_ids=[str(d) for d in raw.get("datasource_ids") or []],
            mcp_servers=[m for m in raw.get("mcp_servers") or [] if isinstance(m, dict)],
            name=_str_or_none(raw.get("name")),
        )

    def _tool(self, index: int, raw: Any) -> ToolNode | None:
        node_id = self._id(raw, "tools", index)
        if node_id is None:
            return None
        path: Path = ("tools", index)
        tool = raw.get("tool")
        if not isinstance(tool, str) or not tool:
            self.problem(f"'tools[{index}]'", "'tool' is required", path, "tool", node_id)
            return None
        args = raw.get("tool_args") or {}
        if not isinstance(args, dict):
            self.problem(f"'tools[{index}]'", "'tool_args' must be a mapping", (*path, "tool_args"), "tool", node_id)
            args = {}
        mcp_server = raw.get("mcp_server")
        if mcp_server is not None and not isinstance(mcp_server, dict):
            self.problem(f"'tools[{index}]'", "'mcp_server' must be a mapping", (*path, "mcp_server"), "tool", node_id)
            mcp_server = None
        return ToolNode(
            node_id,
            tool,
            self.source.line(path),
            args,
            _str_or_none(raw.get("integration_alias")),
            _str_or_none(raw.get("tool_result_json_pointer")),
            mcp_server,
        )

    def _custom(self, index: int, raw: Any) -> CustomNode | None:
        node_id = self._id(raw, "custom_nodes", index)
        if node_id is None:
            return None
        path: Path = ("custom_nodes", index)
        kind = raw.get("custom_node_id")
        allowed = [k.value for k in CustomNodeType]
        if kind not in allowed:
            self.problem(
                f"'custom_nodes[{index}]'", f"'custom_node_id' must be one of {', '.join(allowed)}",
                (*path, "custom_node_id"), "custom_node", node_id,
            )  # fmt: skip
            return None
        config = raw.get("config") or {}
        return CustomNode(
            node_id, CustomNodeType(kind), self.source.line(path), config if isinstance(config, dict) else {}
        )

    def _state(self, index: int, raw: Any) -> State | None:
        state_id = self._id(raw, "states", index)
        if state_id is None:
            return None
        path: Path = ("states", index)
        where = f"'{state_id}' state"
        refs = [(k, raw.get(f"{k.value}_id" if k is not NodeKind.CUSTOM else "custom_node_id")) for k in NodeKind]
        present = [(k, v) for k, v in refs if v]
        if len(present) != 1:
            self.problem(
                f"'states[{index}]'", "one and only one of 'assistant_id' or 'tool_id' or 'custom_node_id' must be set",
                path, "state", state_id,
            )  # fmt: skip
            return None
        kind, ref = present[0]
        ref_key = "custom_node_id" if kind is NodeKind.CUSTOM else f"{kind.value}_id"
        next_raw = raw.get("next")
        if not isinstance(next_raw, dict):
            self.problem(where, "'next' is required", path, "state", state_id)
            return None
        schema = raw.get("output_schema")
        if isinstance(schema, str):
            schema = _json_or_none(schema)
        return State(
            id=state_id,
            kind=kind,
            ref=str(ref),
            line=self.source.line(path),
            index=index,
            ref_line=self.source.line((*path, ref_key)),
            task=str(raw.get("task") or ""),
            next=self._next(where, next_raw, (*path, "next"), state_id),
            interrupt_before=bool(raw.get("interrupt_before", False)),
            retry_policy=self._retry(raw.get("retry_policy"), (*path, "retry_policy")),
            output_schema=schema if isinstance(schema, dict) else None,
        )

    def _next(self, where: str, raw: dict[str, Any], path: Path, state_id: str) -> Next:
        nxt = Next(
            state_id=_str_or_none(raw.get("state_id")),
            state_ids=[str(s) for s in raw.get("state_ids") or []],
            iter_key=_str_or_none(raw.get("iter_key")),
            output_key=_str_or_none(raw.get("output_key")),
            store_in_context=bool(raw.get("store_in_context", True)),
            include_in_llm_history=bool(raw.get("include_in_llm_history", True)),
            clear_prior_messages=bool(raw.get("clear_prior_messages", False)),
            append_to_context=bool(raw.get("append_to_context", False)),
        )
        if raw.get("end") is True:
            nxt.state_id = END
        line = self.source.line
        if nxt.state_id:
            nxt.lines.setdefault(nxt.state_id, line((*path, "state_id")))
        for i, target in enumerate(nxt.state_ids):
            nxt.lines.setdefault(target, line((*path, "state_ids", i)))
        condition = raw.get("condition")
        if condition is not None:
            at = (*path, "condition")
            parts = [
                condition.get(k) if isinstance(condition, dict) else None for k in ("expression", "then", "otherwise")
            ]
            for key, value in zip(("expression", "then", "otherwise"), parts, strict=True):
                if not value:
                    self.problem(f"{where} next.condition", f"'{key}' is required", at, "state", state_id)
            if all(parts):
                nxt.condition = (str(parts[0]), str(parts[1]), str(parts[2]))
                nxt.lines.setdefault(str(parts[1]), line((*at, "then")))
                nxt.lines.setdefault(str(parts[2]), line((*at, "otherwise")))
        switch = raw.get("switch")
        if switch is not None:
            nxt.switch = self._switch(where, switch, (*path, "switch"), state_id)
            for i, case in enumerate(nxt.switch[0] if nxt.switch else []):
                nxt.lines.setdefault(case.state_id, line((*path, "switch", "cases", i, "state_id")))
            if nxt.switch:
                nxt.lines.setdefault(nxt.switch[1], line((*path, "switch", "default")))
        if not nxt.targets():
            self.problem(
                where, "'next' must name 'state_id', 'state_ids', 'condition' or 'switch'", path, "state", state_id
            )
        return nxt

    def _switch(self, where: str, raw: Any, path: Path, state_id: str) -> tuple[list[Case], str] | None:
        if not isinstance(raw, dict):
            self.problem(f"{where} next.switch", "'cases' is required", path, "state", state_id)
            return None
        cases: list[Case] = []
        for i, case in enumerate(raw.get("cases") or []):
            c_path = (*path, "cases", i)
            if not isinstance(case, dict) or not case.get("condition"):
                self.problem(f"{where} next.switch.cases[{i}]", "'condition' is required", c_path, "state", state_id)
            elif not case.get("state_id"):
                self.problem(f"{where} next.switch.cases[{i}]", "'state_id' is required", c_path, "state", state_id)
            else:
                cases.append(Case(str(case["condition"]), str(case["state_id"])))
        if not raw.get("cases"):
            self.problem(f"{where} next.switch", "'cases' is required", path, "state", state_id)
        if not raw.get("default"):
            self.problem(f"{where} next.switch", "'default' is required", path, "state", state_id)
            return None
        return cases, str(raw["default"])


def _str_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
