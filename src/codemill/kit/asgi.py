"""Pure-ASGI middleware: request ids, access logs, request body limits."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from codemill.kit.logs import request_id_var
from codemill.kit.metrics import observe_request

access_log = logging.getLogger("codemill.access")


class BodyTooLarge(Exception):
    """The request body passed its limit."""


def _error(status: int, message: str, help_text: str | None = None) -> tuple[Message, Message]:
    body = orjson.dumps({"error": {"message": message, "details": None, "help": help_text}})
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }
    return start, {"type": "http.response.body", "body": body}


class RequestContext:
    """Sets the request id (X-Request-ID in and out), logs one access line, limits request bodies."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_upload = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_holder: dict[str, Any] = {"status": 500}
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/")
        limit = self.max_upload if multipart else self.max_body

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        received = 0

        async def receive_wrapper() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
            if declared > limit:
                start, body = _too_large(limit)
                await send_wrapper(start)
                await send(body)
                return
            try:
                await self.app(scope, receive_wrapper, send_wrapper)
            except BodyTooLarge:
                start, body = _too_large(limit)
                await send_wrapper(start)
                await send(body)
        finally:
            # The route template (not the path) keeps the label set small; unmatched paths share one label.
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            observe_request(scope.get("method", ""), route, status_holder["status"], time.perf_counter() - started)
            access_log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status_holder["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)


def _too_large(limit: int) -> tuple[Message, Message]:
    return _error(413, "Request body too large", f"The limit is {limit} bytes.")
