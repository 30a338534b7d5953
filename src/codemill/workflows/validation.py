"""Workflow YAML validation: format, schema, cross-references and the graph, then the platform's resources.

Messages follow CodeMie's wording ("Invalid YAML format was provided", "Invalid YAML config was provided:
1) In 'review' state: ...", "Workflow can't be created because some resources do not exist: ...") and add
the YAML line of each problem, so editors can show it in place. All are 400s, as in CodeMie.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from codemill.errors import BadRequest
from codemill.tools import registry
from codemill.workflows.config import END, PROBLEM_PREFIX, NodeKind, Problem, Reader, WorkflowConfig
from codemill.workflows.expressions import ExpressionError, check_expression
from codemill.workflows.yaml_source import YamlFormatError, YamlSource, load

FORMAT_MESSAGE = "Invalid YAML format was provided"
NO_STATES_MESSAGE = "Workflow must have at least one valid state"
RESOURCES_MESSAGE = "Workflow can't be created because some resources do not exist:"
HELP = "Fix the YAML at the line given; see docs/workflows.md for the language."


class ErrorType(StrEnum):
    PARSING = "parsing"
    MISSING_STATES = "missing_states"
    SCHEMA = "schema_validation"
    CROSS_REFERENCE = "cross_reference_validation"
    RESOURCE = "resource_validation"


@dataclass(slots=True)
class Parsed:
    """A workflow's YAML, read and checked on its own (no database)."""

    source: YamlSource
    config: WorkflowConfig


class WorkflowInvalid(BadRequest):
    """The YAML cannot be used; `details` lists each problem with its line."""

    def __init__(self, error_type: ErrorType, message: str, problems: list[Problem]) -> None:
        details = {
            "error_type": error_type.value,
            "errors": [
                {
                    "message": p.message,
                    "line": p.line,
                    "resource_type": p.resource_type,
                    "resource_id": p.resource_id,
                    "where": p.where,
                }
                for p in problems
            ],
        }
        super().__init__(message, details=details, help=HELP)
        self.problems = problems


def _joined(prefix: str, problems: list[Problem]) -> str:
    return f"{prefix} " + " ".join(p.text(i) for i, p in enumerate(problems, start=1))


def parse(text: str) -> Parsed:
    """Read and check a workflow's YAML; WorkflowInvalid naming the line of each problem."""
    try:
        source = load(text)
    except YamlFormatError as exc:
        at = f" (line {exc.line})" if exc.line else ""
        problem = Problem("the YAML", exc.problem, exc.line, "yaml")
        raise WorkflowInvalid(ErrorType.PARSING, f"{FORMAT_MESSAGE}: {exc.problem}{at}", [problem]) from None
    reader = Reader(source)
    config = reader.read()
    if reader.problems:
        raise WorkflowInvalid(ErrorType.SCHEMA, _joined(PROBLEM_PREFIX, reader.problems), reader.problems)
    if config is None:
        problem = Problem("'states'", "at least one state is required", source.line(("states",)), "states")
        raise WorkflowInvalid(ErrorType.MISSING_STATES, NO_STATES_MESSAGE, [problem])
    problems = cross_references(config)
    if problems:
        raise WorkflowInvalid(ErrorType.CROSS_REFERENCE, _joined(PROBLEM_PREFIX, problems), problems)
    return Parsed(source, config)


def cross_references(config: WorkflowConfig) -> list[Problem]:
    """Unknown assistants, tools, custom nodes and states; bad expressions; unreachable states; no end."""
    problems: list[Problem] = []
    sections: dict[NodeKind, Mapping[str, object]] = {
        NodeKind.ASSISTANT: config.assistants,
        NodeKind.TOOL: config.tools,
        NodeKind.CUSTOM: config.custom_nodes,
    }
    for state in config.states.values():
        where = f"'{state.id}' state"
        if state.ref not in sections[state.kind]:
            key = "custom_node_id" if state.kind is NodeKind.CUSTOM else f"{state.kind.value}_id"
            problems.append(
                Problem(where, f"'{key}' key references undefined '{state.ref}' {state.kind.value}", state.ref_line or state.line,
                        state.kind.value, state.ref)
            )  # fmt: skip
        for target in state.next.targets():
            if target != END and target not in config.states:
                problems.append(
                    Problem(
                        where,
                        f"'next' references undefined '{target}' state",
                        state.next.lines.get(target) or state.line,
                        "state",
                        target,
                    )
                )
        expressions = [state.next.condition[0]] if state.next.condition else []
        expressions += [c.condition for c in state.next.switch[0]] if state.next.switch else []
        for expression in expressions:
            try:
                check_expression(expression)
            except ExpressionError as exc:
                problems.append(Problem(where, f"invalid expression '{expression}': {exc.message}", state.line))
    if problems:
        return problems
    return problems + _graph(config)


def _graph(config: WorkflowConfig) -> list[Problem]:
    reached: set[str] = set()
    stack = [config.entry]
    ends = False
    while stack:
        current = stack.pop()
        if current in reached:
            continue
        reached.add(current)
        for target in config.states[current].next.targets():
            if target == END:
                ends = True
            elif target not in reached:
                stack.append(target)
    problems = [
        Problem(f"'{s.id}' state", f"state is unreachable from the first state '{config.entry}'", s.line, "state", s.id)
        for s in config.states.values()
        if s.id not in reached
    ]
    if not ends:
        first = config.states[config.entry]
        problems.append(
            Problem("'states'", "no state leads to 'end': set 'state_id: end' in the last state's 'next'", first.line)
        )
    return problems


def unknown_tools(config: WorkflowConfig, known: set[str]) -> list[Problem]:
    """Direct tool nodes and inline assistant tools that name no tool Codemill has."""
    problems: list[Problem] = []
    for tool in config.tools.values():
        # An MCP server's tools are known only when it runs: the call names a missing one then.
        if tool.mcp_server is None and tool.tool not in known and registry.builtin_tool(tool.tool) is None:
            problems.append(
                Problem(f"'tools' '{tool.id}'", f"Tool '{tool.tool}' does not exist", tool.line, "tool", tool.tool)
            )
    for assistant in config.assistants.values():
        for entry in assistant.tools:
            name = str(entry.get("name"))
            if name not in known and registry.builtin_tool(name) is None:
                problems.append(
                    Problem(f"'assistants' '{assistant.id}'",
                            f"Tool '{name}' (referenced in assistant definition) does not exist",
                            assistant.line, "tool_from_assistant", name)
                )  # fmt: skip
    return problems


def resources_missing(problems: list[Problem]) -> WorkflowInvalid:
    """The error for references to assistants, tools or datasources that do not exist."""
    return WorkflowInvalid(ErrorType.RESOURCE, _joined(RESOURCES_MESSAGE, problems), problems)
