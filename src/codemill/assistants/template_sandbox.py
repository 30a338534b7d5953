"""The Jinja2 sandbox prompts render in, with every costly step measured against the render's budget.

A prompt template is user code that runs on every chat turn. Before compiling, the template's tree is
rewritten so that every loop iterates through a counting guard and every piece of output (and every
`~`) goes through a measuring guard; calls, filters and the operators that can build big values (`*`,
`**`, `+`, `%`) are checked before they run. Whatever a template does, it meets a guard often, and the
first guard past a limit ends the render with PromptLimitExceeded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sized
from typing import Any

from jinja2 import nodes
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import pass_context

from codemill.assistants.template_budget import (
    MAX_INT_BITS,
    Budget,
    PromptLimitExceeded,
    amplified_size,
    check_arguments,
    check_format_fields,
    check_printf,
    check_result,
    current_budget,
)

LOOP_GUARD = "_codemill_loop"
OUTPUT_GUARD = "_codemill_out"
CONCAT_GUARD = "_codemill_concat"
VALUE_GUARD = "_codemill_value"
_AMPLIFYING_FILTERS = {"replace", "join", "indent", "wordwrap"}


def _without_pass_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """A filter's own arguments, without the context/environment Jinja2 passes first."""
    while args and isinstance(args[0], Context | EvalContext | ImmutableSandboxedEnvironment):
        args = args[1:]
    return args


def _guarded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = current_budget()
        budget.tick()
        own = _without_pass_args(args)
        if name == "join" and own and not isinstance(own[0], Sized):
            lead = args[: len(args) - len(own)]
            own = (list(own[0]), *own[1:])
            args = (*lead, *own)
        check_arguments(budget, (*own, *kwargs.values()))
        if name == "format" and own:
            check_printf(str(own[0]))
        if name in _AMPLIFYING_FILTERS:
            budget.fits(amplified_size(budget, name, own, kwargs), f"the result of the '{name}' filter")
        return check_result(budget, func(*args, **kwargs))

    return guarded


def _check_str_method(budget: Budget, method: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """str.format fields, str.replace and str.join results are bounded before they are built."""
    text = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    wrapped = getattr(method, "__wrapped__", None)  # the sandbox's own wrapper of str.format
    if wrapped is not None and isinstance(getattr(wrapped, "__self__", None), str):
        text, name = wrapped.__self__, wrapped.__name__
    if not isinstance(text, str):
        return args
    if name in ("format", "format_map"):
        check_format_fields(text)
    elif name == "replace" and len(args) >= 2:
        budget.fits(amplified_size(budget, "replace", (text, *args), {}), "the result of replace()")
    elif name == "join" and args:
        items = args[0] if isinstance(args[0], Sized) else list(args[0])
        budget.fits(amplified_size(budget, "join", (items, text), {}), "the result of join()")
        return (items, *args[1:])
    return args


def _both_ints(left: Any, right: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right))


class PromptEnvironment(ImmutableSandboxedEnvironment):
    """No mutation of lists and dicts, no attribute filters, and every costly step measured."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self) -> None:
        super().__init__(autoescape=False, keep_trailing_newline=True)
        # Filters and tests that reach attributes by name or inspect callables are not needed in prompts.
        self.filters.pop("attr", None)
        self.tests.pop("callable", None)
        self.filters = {name: _guarded_filter(name, func) for name, func in self.filters.items()} | GUARDS

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        budget = current_budget()
        budget.tick()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    budget.fits(budget.weigh(seq, "a repeated value") * max(times, 0), "a repeated value")
            if _both_ints(left, right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise PromptLimitExceeded("a number in the template grew too large")
        elif operator == "**":
            if _both_ints(left, right) and right > 0 and max(left.bit_length(), 1) * right > MAX_INT_BITS:
                raise PromptLimitExceeded("a number in the template grew too large")
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            budget.fits(budget.weigh(left, "a joined value") + budget.weigh(right, "a joined value"), "a joined value")
        elif operator == "%" and isinstance(left, str):
            check_printf(left)
            budget.fits(len(left) + budget.weigh(right, "formatted values"), "a formatted value")
        return self.binop_table[operator](left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call an object from sandboxed code, within the budget."""
        budget = current_budget()
        budget.tick()
        check_arguments(budget, (*args, *kwargs.values()))
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level counts its iterations too
            args = (_counted(args[0]), *args[1:])
        args = _check_str_method(budget, __obj, args)
        return check_result(budget, super().call(__context, __obj, *args, **kwargs))


# The guards are filters: Jinja2 calls filters directly (no sandbox `call` on the way), and marked
# pass_context they are never folded into constants while compiling, so a guard inside a loop runs, and
# counts, on every iteration.


def _counted(iterable: Any) -> Iterator[Any]:
    budget = current_budget()
    for item in iterable:
        budget.iterate()
        yield item


@pass_context
def _loop_guard(_: Context, iterable: Any) -> Iterator[Any]:
    return _counted(iterable)


@pass_context
def _output_guard(_: Context, value: Any) -> str:
    budget = current_budget()
    if type(value) is str:
        text: str = value
    else:
        budget.weigh(value, "a piece of output")
        text = str(value)
    budget.produce(len(text))
    return text


@pass_context
def _concat_guard(_: Context, parts: tuple[Any, ...]) -> str:
    budget = current_budget()
    budget.fits(sum(budget.weigh(p, "a joined value") for p in parts), "a joined value")
    return "".join(map(str, parts))


@pass_context
def _value_guard(_: Context, value: Any) -> Any:
    """Lists, tuples and dicts the template builds: members may be shared, so their printed (and compared)
    size can grow exponentially with each level; every one built is measured."""
    current_budget().weigh(value, "a list or dict")
    return value


GUARDS: dict[str, Callable[..., Any]] = {
    LOOP_GUARD: _loop_guard,
    OUTPUT_GUARD: _output_guard,
    CONCAT_GUARD: _concat_guard,
    VALUE_GUARD: _value_guard,
}


def _guard(name: str, value: nodes.Expr, lineno: int) -> nodes.Filter:
    return nodes.Filter(value, name, [], [], None, None, lineno=lineno)


def _guarded_literal(value: Any) -> Any:
    if isinstance(value, nodes.List | nodes.Tuple | nodes.Dict) and getattr(value, "ctx", "load") == "load":
        return _guard(VALUE_GUARD, value, value.lineno)
    return value


def _guarded_output(child: nodes.Expr, repeated: bool) -> nodes.Expr:
    if not isinstance(child, nodes.TemplateData):
        return _guard(OUTPUT_GUARD, child, child.lineno)
    return _guard(OUTPUT_GUARD, nodes.Const(child.data, lineno=child.lineno), child.lineno) if repeated else child


def add_guards(node: nodes.Node, repeated: bool = False) -> None:
    """Rewrite a checked template tree in place: loops, output, `~` and built lists go through the guards.

    Text outside loops, macros and call blocks is written once (its size is the template's); any other
    output is counted. The guards' names start with '_', which templates may not use (see
    templates.check_template).
    """
    inner = repeated or isinstance(node, nodes.For | nodes.Macro | nodes.CallBlock)
    for child in node.iter_child_nodes():
        add_guards(child, inner)
    for name, value in node.iter_fields():
        if isinstance(value, list):
            setattr(node, name, [_guarded_literal(v) for v in value])
        else:
            setattr(node, name, _guarded_literal(value))
    if isinstance(node, nodes.For):
        node.iter = _guard(LOOP_GUARD, node.iter, node.lineno)  # type: ignore[arg-type]  # Node: an Expr
    elif isinstance(node, nodes.Output):
        node.nodes = [_guarded_output(child, repeated) for child in node.nodes]
    elif isinstance(node, nodes.Concat):
        node.nodes = [_guard(CONCAT_GUARD, nodes.Tuple(list(node.nodes), "load", lineno=node.lineno), node.lineno)]


# Templates made only of these cost at most their length plus one value per variable they read.
_CHEAP_NODES = (
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Slice,
    nodes.If,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Concat,
)


def is_cheap(tree: nodes.Template) -> bool:
    """No loops, macros, calls, filters, tests, operators, container literals or assignments."""
    return all(type(n) in _CHEAP_NODES for n in tree.find_all(nodes.Node))


def name_reads(tree: nodes.Template) -> int:
    """How many times the template reads a variable."""
    return sum(1 for n in tree.find_all(nodes.Name) if n.ctx == "load")
