"""Conditions and tasks: Jinja2 in the prompts' sandbox, never `eval`.

A condition (`score > 5 and 'approved' in verdict`) is a sandboxed Jinja2 expression evaluated over the
context store; a task is a sandboxed Jinja2 template rendered over it (undefined names are empty). Both
run within the prompts' render budget, so a hostile YAML cannot loop or allocate without bound.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from jinja2 import TemplateSyntaxError

from codemill.assistants.template_budget import DEFAULT_LIMITS, PromptTemplateError, begin
from codemill.assistants.template_sandbox import PromptEnvironment
from codemill.assistants.templates import render_prompt_async

_ENV = PromptEnvironment()


class ExpressionError(Exception):
    """An expression that does not parse or fails to evaluate."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_expression(expression: str) -> None:
    """Raise ExpressionError when the expression does not parse."""
    try:
        _ENV.compile_expression(expression)
    except TemplateSyntaxError as exc:
        raise ExpressionError(exc.message or "invalid expression") from None


def evaluate(expression: str, values: Mapping[str, Any]) -> bool:
    """The truth of `expression` over `values` (the context store and the state's output)."""
    try:
        compiled = _ENV.compile_expression(expression, undefined_to_none=True)
    except TemplateSyntaxError as exc:
        raise ExpressionError(exc.message or "invalid expression") from None
    end = begin(DEFAULT_LIMITS)
    try:
        return bool(compiled(**dict(values)))
    except PromptTemplateError as exc:
        raise ExpressionError(exc.message) from None
    except Exception as exc:  # a type error in the user's expression is the expression's fault
        raise ExpressionError(f"{exc.__class__.__name__}: {exc}") from None
    finally:
        end()


async def render_task(task: str, values: Mapping[str, Any]) -> str:
    """The task with the context store's values filled in."""
    if "{{" not in task and "{%" not in task:
        return task
    shown: dict[str, Any] = {
        k: v if isinstance(v, str | int | float | bool) or v is None else _text(v) for k, v in values.items()
    }
    # The prompt renderer types its values as text; the sandbox renders any value the same way.
    return await render_prompt_async(task, cast(Mapping[str, str], shown))


def _text(value: Any) -> Any:
    # Lists and mappings stay iterable in templates; their printed form is JSON, as the model reads best.
    if isinstance(value, list | dict):
        return _Printable(value)
    return str(value)


class _Printable:
    """A list or mapping that templates can iterate and index, printed as JSON."""

    __slots__ = ("value",)

    def __init__(self, value: list[Any] | dict[str, Any]) -> None:
        self.value = value

    def __str__(self) -> str:
        return json.dumps(self.value, ensure_ascii=False, default=str)

    def __iter__(self) -> Any:
        return iter(self.value)

    def __getitem__(self, key: Any) -> Any:
        return self.value[key]

    def __len__(self) -> int:
        return len(self.value)
