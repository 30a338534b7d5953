"""What one render of a prompt template may cost, and the checks that keep it within that.

The guards in `template_sandbox` find the budget of the render under way through a context variable,
so one compiled template serves every render, in every thread, at once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sized
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from jinja2.utils import Namespace

# Numbers handed to functions and filters (widths, counts, repeats) stay below this: numbers are what
# turn `center`, `slice`, `lipsum`… into big allocations.
MAX_NUMBER_ARGUMENT = 100_000
MAX_FORMAT_WIDTH = 10_000
MAX_INT_BITS = 4_096
_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_FIELD = re.compile(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")
_CONTAINERS = (list, tuple, dict, set, frozenset, Namespace)


class PromptTemplateError(ValueError):
    """The template cannot be used; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class PromptLimitExceeded(PromptTemplateError):
    """Rendering went past a limit (time, loop iterations, output size, or a value too big to build)."""


@dataclass(frozen=True)
class RenderLimits:
    """What one render may cost."""

    seconds: float = 0.5
    loop_iterations: int = 100_000
    output_chars: int = 1_000_000


DEFAULT_LIMITS = RenderLimits()


@dataclass
class Budget:
    """What the render under way has spent."""

    limits: RenderLimits
    deadline: float = field(init=False)
    iterations: int = 0
    produced: int = 0
    _known: dict[int, tuple[Any, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.deadline = time.perf_counter() + self.limits.seconds

    def tick(self) -> None:
        """Called by every guard: past the deadline, the render ends."""
        if time.perf_counter() > self.deadline:
            raise PromptLimitExceeded(f"rendering took longer than {self.limits.seconds:g} s")

    def iterate(self) -> None:
        """One more loop iteration."""
        self.iterations += 1
        if self.iterations > self.limits.loop_iterations:
            raise PromptLimitExceeded(f"loops ran more than {self.limits.loop_iterations} iterations")
        self.tick()

    def produce(self, chars: int) -> None:
        """Characters written to the output or to a buffer (macro, set block)."""
        self.produced += chars
        if self.produced > self.limits.output_chars:
            raise PromptLimitExceeded(f"the template produced more than {self.limits.output_chars} characters")
        self.tick()

    def fits(self, chars: int, what: str) -> None:
        """A value of `chars` characters (or items) may be built."""
        if chars > self.limits.output_chars:
            raise PromptLimitExceeded(f"{what} would be larger than {self.limits.output_chars} characters")

    def weigh(self, value: Any, what: str) -> int:
        """The printed size of `value`, which must fit."""
        size, _ = self._weight(value)
        self.fits(size, what)
        return size

    def _weight(self, value: Any) -> tuple[int, bool]:
        """Characters `str(value)` would take, roughly, counted without building it (stops past the limit),
        and whether that can still change (a namespace inside).

        Containers may share members, so their printed (and compared) size can grow exponentially with
        their nesting; the weight of each container that cannot change is remembered for the render, so
        measuring a new one built from old ones costs one step per member.
        """
        if isinstance(value, str | bytes):
            return len(value), False
        if isinstance(value, int) and not isinstance(value, bool):
            return value.bit_length() // 3 + 1, False
        if isinstance(value, Namespace):  # `{% set ns.x = … %}` changes it: never remembered
            attrs: dict[str, Any] = object.__getattribute__(value, "_Namespace__attrs")
            return self._members_weight(16, attrs.values()), True
        if not isinstance(value, list | tuple | dict | set | frozenset):
            return 16, False
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1], False
        self.tick()
        members = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total, changing = 2 + 2 * len(value), False
        for member in members:
            if total > self.limits.output_chars:
                break
            size, member_changing = self._weight(member)
            total, changing = total + size, changing or member_changing
        if not changing:
            self._known[id(value)] = (value, total)  # holding the value keeps its id from being reused
        return total, changing

    def _members_weight(self, total: int, members: Iterable[Any]) -> int:
        for member in members:
            if total > self.limits.output_chars:
                break
            total += self._weight(member)[0]
        return total


_BUDGET: ContextVar[Budget | None] = ContextVar("codemill_prompt_budget", default=None)


def current_budget() -> Budget:
    """The budget of the render under way (a fresh default one while the compiler folds constants)."""
    return _BUDGET.get() or Budget(DEFAULT_LIMITS)


def begin(limits: RenderLimits) -> Callable[[], None]:
    """Start a render's budget in this thread; returns what ends it."""
    token = _BUDGET.set(Budget(limits))
    return lambda: _BUDGET.reset(token)


def check_arguments(budget: Budget, args: Iterable[Any]) -> None:
    """Numbers stay small and containers printable."""
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_NUMBER_ARGUMENT:
            raise PromptLimitExceeded(f"numbers passed to functions and filters are limited to {MAX_NUMBER_ARGUMENT}")
        if isinstance(arg, _CONTAINERS):
            budget.weigh(arg, "an argument")


def check_result(budget: Budget, result: Any) -> Any:
    """A value a call returned must fit."""
    if isinstance(result, (str, *_CONTAINERS)):
        budget.weigh(result, "a value")
    return result


def check_printf(fmt: str) -> None:
    """`%` formatting with bounded widths (no `*`: a width from the arguments)."""
    for width, precision in _PRINTF_SPEC.findall(fmt):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_FORMAT_WIDTH):
                raise PromptLimitExceeded(f"format widths are limited to {MAX_FORMAT_WIDTH}")


def check_format_fields(fmt: str) -> None:
    """`str.format` with bounded widths (no nested fields: a width from the arguments)."""
    for spec in _FORMAT_FIELD.findall(fmt):
        if "{" in spec[1:-1] or any(int(n) > MAX_FORMAT_WIDTH for n in re.findall(r"\d+", spec)):
            raise PromptLimitExceeded(f"format widths are limited to {MAX_FORMAT_WIDTH}")


def _len(value: Any) -> int:
    return len(value) if isinstance(value, Sized) else 0


def replaced_size(text: Any, old: Any, new: Any) -> int:
    """The most characters `text.replace(old, new)` can give."""
    size, old_len = _len(text), _len(old)
    occurrences = size + 1 if old_len == 0 else size // old_len
    return size + occurrences * _len(new)


def joined_size(budget: Budget, separator: Any, items: Any) -> int:
    """The most characters joining `items` with `separator` can give (items: a sized collection)."""
    return budget.weigh(items, "the items to join") + _len(separator) * _len(items)


def amplified_size(budget: Budget, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """For the str methods and filters whose result can outgrow their input: the most it can be."""
    value = args[0] if args else ""
    rest = args[1:]
    if name == "replace" and len(rest) >= 2:
        return replaced_size(value, rest[0], rest[1])
    if name == "join":
        return joined_size(budget, rest[0] if rest else kwargs.get("d", ""), value)
    if name == "indent":
        width = rest[0] if rest else kwargs.get("width", 4)
        return _len(value) * (1 + (_len(width) if isinstance(width, str) else 0))
    if name == "wordwrap":
        wrap = rest[3] if len(rest) > 3 else kwargs.get("wrapstring")
        return _len(value) * (1 + _len(wrap or "\n"))
    return 0
