"""YAML with line numbers: every mapping key and list item remembers the line it was written on.

Validation errors name the line of the YAML they are about, so the loader keeps, beside the plain data,
a map from each value's path (("states", 2, "next", "state_id")) to its 1-based line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path = tuple[str | int, ...]
# libyaml's safe loader when it is built in (about ten times faster), the pure-Python one otherwise.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Documents past this size are refused before parsing (a workflow is a page or two of YAML).
MAX_YAML_CHARS = 500_000


class YamlFormatError(Exception):
    """The text is not YAML (or not a mapping at its top)."""

    def __init__(self, problem: str, line: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


@dataclass(slots=True)
class YamlSource:
    """Parsed YAML and where each value was written."""

    data: dict[str, Any]
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        probe = path
        while probe:
            found = self.lines.get(probe)
            if found is not None:
                return found
            probe = probe[:-1]
        return self.lines.get(())


def load(text: str) -> YamlSource:
    """Parse `text` (safe YAML: plain data only) with line numbers; YamlFormatError when it is not a mapping."""
    if len(text) > MAX_YAML_CHARS:
        raise YamlFormatError(f"the YAML is longer than {MAX_YAML_CHARS} characters", None)
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlFormatError(problem, mark.line + 1 if mark is not None else None) from None
    except yaml.YAMLError as exc:
        raise YamlFormatError(str(exc), None) from None
    if node is None or not isinstance(data, dict):
        raise YamlFormatError("the workflow must be a YAML mapping (keys such as 'states')", 1)
    lines: dict[Path, int] = {(): node.start_mark.line + 1}
    _walk(node, (), lines)
    return YamlSource(data, lines)


def _walk(node: Node, path: Path, lines: dict[Path, int]) -> None:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                continue
            child = (*path, str(key_node.value))
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _walk(item, child, lines)
