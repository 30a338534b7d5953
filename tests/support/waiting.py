"""Waiting in tests: on a condition, never on the clock alone.

Where the code under test offers an event (`asyncio.Event`, `threading.Event`), wait on the event.
Otherwise poll the condition with `wait_until` (or `wait_until_async` in a coroutine): it returns as
soon as the condition holds, and fails with a message naming what never came.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

FIRST_PAUSE = 0.01
LONGEST_PAUSE = 0.25


def _message(what: str | Callable[[], object], timeout: float) -> str:
    return f"timed out after {timeout:g} s waiting for {what() if callable(what) else what}"


def wait_until[T](
    check: Callable[[], T | None], *, timeout: float = 30.0, what: str | Callable[[], object] = "the condition"
) -> T:
    """Call `check` until it returns neither None nor False, and return that (AssertionError after `timeout` s).

    A predicate returns True once the condition holds; a finder returns what it found, or None (an
    empty list found counts). `what` names the awaited condition in the failure; a callable is asked
    at failure time (e.g. for the last state seen).
    """
    deadline = time.monotonic() + timeout
    pause = FIRST_PAUSE
    while True:
        found = check()
        if found is not None and found is not False:
            return found
        if time.monotonic() >= deadline:
            raise AssertionError(_message(what, timeout))
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)


async def wait_until_async[T](
    check: Callable[[], T | Awaitable[T | None] | None],
    *,
    timeout: float = 30.0,
    what: str | Callable[[], object] = "the condition",
) -> T:
    """`wait_until` for a coroutine: `check` may be sync or async; the event loop runs on between calls."""
    deadline = time.monotonic() + timeout
    pause = FIRST_PAUSE
    while True:
        result = check()
        found = await result if inspect.isawaitable(result) else result
        if found is not None and found is not False:
            return found  # type: ignore[return-value]
        if time.monotonic() >= deadline:
            raise AssertionError(_message(what, timeout))
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)
