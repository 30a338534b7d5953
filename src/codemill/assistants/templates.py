"""System prompts are sandboxed Jinja2 templates: checked when saved, rendered when chatting.

As in CodeMie, `{{ ... }}` blocks that hold JSON (prompt examples such as `{{"key": "value"}}`) are plain
text, not template code, and the built-in variables `current_user` and `date` are always available.

Compiled templates are cached by their text (a chat turn renders the same prompt again and again), and
every render is bounded (see template_budget / template_sandbox): templates with loops, macros, calls,
filters or operators render through guards that count their cost; async callers render those off the
event loop.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jinja2 import Template, TemplateSyntaxError, nodes

from codemill.assistants.template_budget import (
    DEFAULT_LIMITS,
    PromptLimitExceeded,
    PromptTemplateError,
    RenderLimits,
    begin,
)
from codemill.assistants.template_sandbox import PromptEnvironment, add_guards, is_cheap, name_reads

__all__ = [
    "BUILTIN_VARIABLES",
    "DEFAULT_LIMITS",
    "CheckedTemplate",
    "PromptLimitExceeded",
    "PromptTemplateError",
    "RenderLimits",
    "builtin_values",
    "check_template",
    "protect_json_blocks",
    "render_prompt",
    "render_prompt_async",
]

BUILTIN_VARIABLES = ("current_user", "date")
DATE_FORMAT = "%a, %d %b %Y %H:%M:%S"
CACHE_ENTRIES = 256
CACHE_CHARS = 16_000_000
# A cheap template (no loops, calls…) is rendered when its worst case is within this many times the
# output limit, and its exact length checked afterwards.
CHEAP_OVERSHOOT = 10

_EXPRESSION = re.compile(r"\{\{(.+?)\}\}", re.DOTALL)
_JSON_PAIR = re.compile(r"""^["'][^"']+["']\s*:""")
# `self` exposes the template's own blocks; prompts have no use for it.
_FORBIDDEN_NAMES = {"self"}


@dataclass(frozen=True)
class CheckedTemplate:
    """A template that parsed, with the variables it reads."""

    variables: frozenset[str]


@dataclass(frozen=True)
class CompiledPrompt:
    """A checked, compiled template; `cheap` ones render without guards (their cost is known up front)."""

    template: Template
    cheap: bool
    reads: int
    length: int


def _looks_like_json(inner: str) -> bool:
    text = inner.strip()
    if text.startswith(("'", '"')):
        return bool(_JSON_PAIR.match(text))
    if text.startswith("{"):
        return bool(re.search(r"""["'][^"']+["']\s*:""", text))
    if text.startswith("["):
        return "'" in text or '"' in text
    return False


def protect_json_blocks(template: str) -> str:
    """Wrap JSON-looking `{{ ... }}` blocks in {% raw %} so Jinja2 leaves them as text."""

    def wrap(match: re.Match[str]) -> str:
        block = match.group(0)
        return f"{{% raw %}}{block}{{% endraw %}}" if _looks_like_json(match.group(1)) else block

    return _EXPRESSION.sub(wrap, template)


_ENV = PromptEnvironment()


def _private(name: str) -> bool:
    return name.startswith("_") or name in _FORBIDDEN_NAMES


def _check_node(node: nodes.Node) -> None:
    for child in node.iter_child_nodes():
        _check_node(child)
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        raise PromptTemplateError(f"access to the private attribute '{node.attr}' is not allowed", node.lineno)
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_"):
        raise PromptTemplateError(f"access to the private key '{node.arg.value}' is not allowed", node.lineno)
    # Names starting with '_' are private (as in the sandbox); filters starting with '_' are the render guards.
    if isinstance(node, nodes.Name) and _private(node.name):
        raise PromptTemplateError(f"the name '{node.name}' is not allowed in a prompt template", node.lineno)
    if isinstance(node, nodes.Macro) and _private(node.name):
        raise PromptTemplateError(f"the macro name '{node.name}' is not allowed in a prompt template", node.lineno)
    if isinstance(node, nodes.Filter | nodes.Test) and node.name.startswith("_"):
        raise PromptTemplateError(f"the filter or test '{node.name}' is not allowed in a prompt template", node.lineno)
    if isinstance(node, nodes.NSRef) and node.attr.startswith("_"):
        raise PromptTemplateError(f"the name '{node.attr}' is not allowed in a prompt template", node.lineno)
    if isinstance(node, nodes.Import | nodes.FromImport | nodes.Include | nodes.Extends):
        raise PromptTemplateError("imports, includes and extends are not allowed in prompts", node.lineno)


def _parse(template: str) -> nodes.Template:
    try:
        tree = _ENV.parse(protect_json_blocks(template))
    except TemplateSyntaxError as exc:
        raise PromptTemplateError(exc.message or "invalid template syntax", exc.lineno) from exc
    _check_node(tree)
    return tree


def check_template(template: str) -> CheckedTemplate:
    """Parse the template and reject constructs a prompt has no use for (raises PromptTemplateError)."""
    tree = _parse(template)
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    return CheckedTemplate(variables=frozenset(names - assigned))


class _CompiledCache:
    """Compiled prompts by template text, least recently used out first, bounded in entries and characters."""

    def __init__(self, entries: int, chars: int) -> None:
        self._entries, self._chars = entries, chars
        self._items: OrderedDict[str, CompiledPrompt] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, template: str) -> CompiledPrompt:
        with self._lock:
            found = self._items.get(template)
            if found is not None:
                self._items.move_to_end(template)
                return found
        compiled = _compile(template)  # outside the lock: compiling takes a while; a race compiles twice
        with self._lock:
            if template not in self._items and len(template) <= self._chars:
                self._items[template] = compiled
                self._size += len(template)
                while len(self._items) > self._entries or self._size > self._chars:
                    evicted, _ = self._items.popitem(last=False)
                    self._size -= len(evicted)
        return compiled

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)


def _compile(template: str) -> CompiledPrompt:
    tree = _parse(template)
    cheap = is_cheap(tree)
    reads = name_reads(tree)
    if not cheap:
        add_guards(tree)
    try:
        compiled = _ENV.from_string(tree)
    except TemplateSyntaxError as exc:
        raise PromptTemplateError(exc.message or "invalid template syntax", exc.lineno) from exc
    return CompiledPrompt(compiled, cheap, reads, len(template))


COMPILED = _CompiledCache(CACHE_ENTRIES, CACHE_CHARS)


def builtin_values(current_user: str = "") -> dict[str, str]:
    """The values of the built-in variables right now."""
    return {"current_user": current_user, "date": datetime.now(UTC).strftime(DATE_FORMAT)}


def _values(variables: Mapping[str, str], current_user: str) -> dict[str, Any]:
    return builtin_values(current_user) | dict(variables)


def _cheap_bound(prompt: CompiledPrompt, values: Mapping[str, Any], limits: RenderLimits) -> None:
    """A cheap template's output is at most its length plus one value per read: refuse it when even
    that is far past the limit (the exact length is checked after rendering)."""
    longest = max((len(str(v)) for v in values.values()), default=0)
    if prompt.length + prompt.reads * longest > CHEAP_OVERSHOOT * limits.output_chars:
        raise PromptLimitExceeded(f"the prompt would be longer than {limits.output_chars} characters")


def _render(prompt: CompiledPrompt, values: dict[str, Any], limits: RenderLimits) -> str:
    end = begin(limits)
    try:
        text = prompt.template.render(values)
    except PromptTemplateError:
        raise
    except Exception as exc:  # any render failure (security, type, undefined call) is the template's fault
        raise PromptTemplateError(f"the template failed to render: {exc}") from exc
    finally:
        end()
    if len(text) > limits.output_chars:
        raise PromptLimitExceeded(f"the prompt is longer than {limits.output_chars} characters")
    return text


def render_prompt(
    template: str, variables: Mapping[str, str], *, current_user: str = "", limits: RenderLimits = DEFAULT_LIMITS
) -> str:
    """Render a system prompt with its variables (built-ins first, then the given values); undefined names are empty.

    Renders in the calling thread. Raises PromptTemplateError for templates that fail to render, and
    PromptLimitExceeded (a PromptTemplateError) for renders that go past `limits`.
    """
    prompt = COMPILED.get(template)
    values = _values(variables, current_user)
    if prompt.cheap:
        _cheap_bound(prompt, values, limits)
    return _render(prompt, values, limits)


async def render_prompt_async(
    template: str, variables: Mapping[str, str], *, current_user: str = "", limits: RenderLimits = DEFAULT_LIMITS
) -> str:
    """render_prompt for async code: cheap templates render right here, the others (bounded by their
    guards, but up to `limits.seconds` of work) in a worker thread so the event loop keeps serving."""
    prompt = COMPILED.get(template)
    values = _values(variables, current_user)
    if prompt.cheap:
        _cheap_bound(prompt, values, limits)
        return _render(prompt, values, limits)
    return await asyncio.to_thread(_render, prompt, values, limits)
