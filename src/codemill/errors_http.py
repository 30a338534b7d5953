"""Rendering every failure as {"error": {"message", "details", "help"}} with the right status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from codemill.errors import CodemillError

log = logging.getLogger("codemill.errors")


def _body(message: str, details: Any = None, help_text: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "details": details, "help": help_text}}


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "request"


def _clean(error: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in error.items() if k in ("type", "loc", "msg")}
    if isinstance(error.get("input"), str | int | float | bool) and len(str(error["input"])) <= 200:
        out["input"] = error["input"]
    return out


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers; no stack trace ever reaches a client."""

    @app.exception_handler(CodemillError)
    async def codemill_error(_: Request, exc: CodemillError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_clean(e) for e in exc.errors()]
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse(_body("Malformed JSON body", errors, "Send a valid JSON document."), status_code=422)
        message = "; ".join(f"{_field_path(e.get('loc', ()))}: {e.get('msg')}" for e in errors)
        return JSONResponse(_body(message, errors), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed"
        return JSONResponse(_body(message), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            _body(
                "Internal Server Error",
                "An unexpected error occurred while processing the request.",
                "Please try again later or contact support if the problem persists.",
            ),
            status_code=500,
        )
