"""Every request dependency is `async def`: FastAPI runs a plain `def` dependency in its thread pool, a
thread hop (and GIL hand-over) per request for what is mostly an attribute read or a small parse."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute

from codemill.main import create_app
from codemill.settings import Settings


def _calls(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)  # an included router
        if inner is not None:
            yield from _api_routes(inner.routes)


def test_every_dependency_of_every_route_is_a_coroutine() -> None:
    app = create_app(Settings(), "postgresql+asyncpg://unused@127.0.0.1:1/unused")  # no I/O before startup
    routes = list(_api_routes(app.routes))
    assert len(routes) > 100
    plain = {
        f"{call.__module__}.{call.__qualname__}"
        for route in routes
        for call in _calls(route.dependant)
        if inspect.isfunction(call) and not (inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call))
    }
    assert plain == set(), f"make these `async def`: {sorted(plain)}"
