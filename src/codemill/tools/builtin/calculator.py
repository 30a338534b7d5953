"""A calculator that evaluates arithmetic by walking the syntax tree (never `eval`)."""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from typing import Any

from codemill.tools.base import ToolContext, ToolError

MAX_EXPRESSION = 1000
MAX_EXPONENT = 10_000
MAX_MAGNITUDE = 1e300
# A run of arithmetic characters containing a digit: the expression inside a sentence ("What is 2*(3+4)?").
ARITHMETIC_SPAN = re.compile(r"[\d.\s+\-*/%^()]*\d[\d.\s+\-*/%^()]*")

BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "log": math.log,
    "log10": math.log10,
    "log2": math.log2,
    "exp": math.exp,
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
    "floor": math.floor,
    "ceil": math.ceil,
    "factorial": math.factorial,
}
CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau}


class Calculator:
    """Evaluates an arithmetic expression."""

    name = "calculator"
    label = "Calculator"
    description = (
        "Evaluate an arithmetic expression exactly, e.g. `2 * (3 + 4) ** 2` or `sqrt(2) / 3`. "
        "Supports + - * / // % ** (or ^), parentheses, pi, e and sqrt, sin, cos, tan, log, log10, log2, "
        "exp, abs, round, min, max, floor, ceil, factorial."
    )
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {"expression": {"type": "string", "description": "The arithmetic expression to evaluate."}},
        "required": ["expression"],
    }

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """The expression and its value."""
        expression = str(args.get("expression") or "").strip()
        if not expression:
            raise ToolError("The 'expression' argument is required.")
        if len(expression) > MAX_EXPRESSION:
            raise ToolError(f"The expression is longer than {MAX_EXPRESSION} characters.")
        try:
            value = evaluate(expression)
        except ToolError:
            span = max(ARITHMETIC_SPAN.findall(expression), key=len, default="").strip()
            if not span or span == expression:
                raise
            expression, value = span, evaluate(span)
        return f"{expression} = {format_number(value)}"


def evaluate(expression: str) -> float | int:
    """The value of an arithmetic expression; ToolError when it is not one."""
    try:
        tree = ast.parse(expression.replace("^", "**"), mode="eval")
    except SyntaxError as exc:
        raise ToolError(f"Not an arithmetic expression: {expression!r}") from exc
    try:
        value: float | int = _value(tree.body)
        return value
    except ZeroDivisionError as exc:
        raise ToolError("Division by zero.") from exc
    except (OverflowError, ValueError, TypeError) as exc:
        raise ToolError(f"Cannot evaluate {expression!r}: {exc}") from exc


def _value(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Name) and node.id in CONSTANTS:
        return CONSTANTS[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise ToolError(f"Exponents above {MAX_EXPONENT} are not computed.")
        return _bounded(BINARY[type(node.op)](left, right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return UNARY[type(node.op)](_value(node.operand))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in FUNCTIONS
        and not node.keywords
    ):
        args = [_value(a) for a in node.args]
        if node.func.id == "factorial" and (not args or args[0] > 1000):
            raise ToolError("factorial is computed up to 1000.")
        return _bounded(FUNCTIONS[node.func.id](*args))
    raise ToolError(f"Unsupported element in the expression: {ast.unparse(node)!r}")


def _bounded(value: Any) -> Any:
    if isinstance(value, int) and value.bit_length() > 4000:
        raise ToolError("The result is too large.")
    if isinstance(value, float) and (math.isinf(value) or abs(value) > MAX_MAGNITUDE):
        raise ToolError("The result is too large.")
    return value


def format_number(value: float | int) -> str:
    """Integers as they are; floats without noise (up to 12 significant digits)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)
