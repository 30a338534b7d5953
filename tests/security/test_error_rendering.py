"""The error path cannot fail: any validation error renders as a 422, and an unexpected exception as a
JSON 500 on a connection that stays open."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from fastapi import FastAPI, Request

from codemill.errors import NotFound
from codemill.errors_http import error_response, install_error_handlers, json_safe, validation_body
from codemill.kit.asgi import RequestContext
from codemill.kit.net import free_port

HOSTILE: list[Any] = [
    math.nan,
    math.inf,
    -math.inf,
    "\ud800",
    "a\udfffb",
    "\x00",
    2**80,
    b"\xff\xfe",
    {"\ud83d": [math.nan, {1, 2}]},
    object(),
    ("tuple", math.inf),
]


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__ + repr(v)[:12])
def test_validation_errors_render_whatever_they_echo(value: Any) -> None:
    errors = [
        {"type": "x", "loc": ("body", value if isinstance(value, str) else "field"), "msg": "bad", "input": value},
        {"type": "y", "loc": ("query", "n"), "msg": f"bad {value!r}", "input": value, "ctx": {"error": value}},
    ]
    response = error_response(422, validation_body(errors))
    assert response.status_code == 422
    body = orjson.loads(response.body)
    assert body["error"]["message"] and len(body["error"]["details"]) == 2


@pytest.mark.parametrize("errors", [None, "text", [None], [{"loc": None}], [{"loc": (math.nan,), "msg": None}]])
def test_malformed_error_lists_still_render(errors: Any) -> None:
    response = error_response(422, validation_body(errors))
    assert response.status_code == 422 and orjson.loads(response.body)["error"]["message"]


def test_json_safe_keeps_ordinary_values() -> None:
    plain = {"a": [1, 2.5, True, None, "é"], "b": {"c": "d"}}
    assert json_safe(plain) == plain
    assert json_safe({"n": math.nan, "s": "x\ud800"}) == {"n": "nan", "s": "x?"}


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/port")
    async def port(request: Request) -> dict[str, int]:
        assert request.client is not None
        return {"port": request.client.port}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    @app.get("/missing")
    async def missing() -> None:
        raise NotFound("Nothing here", details={"echo": "x\ud800", "n": math.nan})

    @app.get("/items")
    async def items(n: int) -> dict[str, int]:
        return {"n": n}

    app.add_middleware(RequestContext, max_body_bytes=1024, max_upload_bytes=1024)
    return app


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A small app of our own handlers, served by uvicorn as Codemill is."""
    port = free_port()
    config = uvicorn.Config(_app(), host="127.0.0.1", port=port, log_config=None, lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    waiting = threading.Event()
    for _ in range(1000):  # until uvicorn says it listens (or the thread died)
        if running.started or not thread.is_alive():
            break
        waiting.wait(0.01)
    assert running.started
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


def test_an_unexpected_error_is_a_json_500_and_the_connection_stays_open(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        first = client.get("/port").json()["port"]
        failed = client.get("/boom")
        assert failed.status_code == 500
        assert failed.json()["error"]["message"] == "Internal Server Error"
        assert "a bug" not in failed.text and "Traceback" not in failed.text
        assert failed.headers.get("connection", "").lower() != "close"
        # Same client port: the keep-alive connection survived the 500.
        assert client.get("/port").json()["port"] == first


def test_errors_echoing_hostile_values_render(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        missing = client.get("/missing")
        assert missing.status_code == 404 and missing.json()["error"]["details"]["n"] == "nan"
        for n in ("NaN", "Infinity", "%ED%A0%80", "1e999", "x" * 500):
            response = client.get(f"/items?n={n}")
            assert response.status_code == 422, response.text
