"""Rendering every failure as {"error": {"message", "details", "help"}} with the right status.

Rendering cannot fail: whatever a client sent (NaN, Infinity, lone surrogates, NUL) and whatever an
error echoes back is made JSON-safe first, so a 422 stays a 422 and never turns into a 500.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from codemill.errors import CodemillError

log = logging.getLogger("codemill.errors")
_MAX_ECHO = 200
_FALLBACK = b'{"error":{"message":"Request failed","details":null,"help":null}}'


def _body(message: str, details: Any = None, help_text: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "details": details, "help": help_text}}


def json_safe(value: Any, depth: int = 0) -> Any:
    """A copy of `value` that any JSON encoder accepts: lone surrogates replaced, NaN/Infinity as text."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8") if not value.isascii() else value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if depth > 20:
        return "…"
    if isinstance(value, dict):
        return {str(json_safe(str(k))): json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v, depth + 1) for v in value]
    return json_safe(str(value), depth + 1)


def error_response(status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None) -> Response:
    """The JSON error response; falls back to a fixed body rather than ever raising."""
    try:
        content = orjson.dumps(json_safe(body))
    except Exception:  # belt and braces: the error path must never become a 500 of its own
        log.exception("cannot render an error body")
        content = _FALLBACK
    return Response(content, status_code=status, headers=headers, media_type="application/json")


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "request"


def _clean(error: Any) -> dict[str, Any]:
    if not isinstance(error, dict):
        return {"msg": str(error)}
    out = {k: v for k, v in error.items() if k in ("type", "loc", "msg")}
    echoed = error.get("input")
    if isinstance(echoed, str | int | float | bool) and len(str(echoed)) <= _MAX_ECHO:
        out["input"] = echoed
    return out


def validation_body(errors: Any) -> dict[str, Any]:
    """The 422 body for pydantic/FastAPI validation errors (total: any input renders)."""
    cleaned = [_clean(e) for e in (errors if isinstance(errors, list | tuple) else [errors])]
    if any(e.get("type") == "json_invalid" for e in cleaned):
        return _body("Malformed JSON body", cleaned, "Send a valid JSON document.")
    message = "; ".join(f"{_field_path(e.get('loc') or ())}: {e.get('msg')}" for e in cleaned)
    return _body(message or "Invalid request", cleaned)


def internal_error_body() -> dict[str, Any]:
    """What a client sees for an unexpected failure (never a stack trace)."""
    return _body(
        "Internal Server Error",
        "An unexpected error occurred while processing the request.",
        "Please try again later or contact support if the problem persists.",
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers; no stack trace ever reaches a client."""

    @app.exception_handler(CodemillError)
    async def codemill_error(_: Request, exc: CodemillError) -> Response:
        return error_response(exc.status, exc.body(), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> Response:
        try:
            body = validation_body(exc.errors())
        except Exception:
            log.exception("cannot describe a validation error")
            body = _body("Invalid request")
        return error_response(422, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed"
        return error_response(exc.status_code, _body(message), headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> Response:
        # Reached only for errors outside RequestContext (which answers the rest without closing the connection).
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, internal_error_body())
