"""Pure-ASGI middleware: request ids, access logs, request body limits, the last-resort 500, security headers."""

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
log = logging.getLogger("codemill.errors")
_INTERNAL_DETAILS = "An unexpected error occurred while processing the request."
_INTERNAL_HELP = "Please try again later or contact support if the problem persists."


class BodyTooLarge(Exception):
    """The request body passed its limit."""


def _error(status: int, message: str, help_text: str | None = None, details: Any = None) -> tuple[Message, Message]:
    body = orjson.dumps({"error": {"message": message, "details": details, "help": help_text}})
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }
    return start, {"type": "http.response.body", "body": body}


class RequestContext:
    """Sets the request id (X-Request-ID in and out), logs one access line, limits request bodies.

    It is also the last stop for an unexpected exception: the client gets the JSON 500 and the
    exception goes no further, so the server keeps the connection open instead of dropping it.
    """

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
        state: dict[str, Any] = {"status": 500, "started": False, "refused": False}
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/")
        limit = self.max_upload if multipart else self.max_body

        async def send_wrapper(message: Message) -> None:
            if state["refused"]:
                return  # the 413 already went out; whatever the app made of the aborted read is dropped
            if message["type"] == "http.response.start":
                state["status"], state["started"] = message["status"], True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        async def answer(status: int, message: str, help_text: str | None, details: Any = None) -> None:
            if state["started"] or state["refused"]:
                return
            start, body = _error(status, message, help_text, details)
            await send_wrapper(start)
            await send_wrapper(body)

        received = 0

        async def receive_wrapper() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer now: the body parser would turn this exception into a generic 400.
                    await answer(413, "Request body too large", f"The limit is {limit} bytes.")
                    state["refused"] = True
                    raise BodyTooLarge
            return message

        try:
            try:
                declared = int(headers.get(b"content-length", b"0") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                await answer(413, "Request body too large", f"The limit is {limit} bytes.")
                return
            await self.app(scope, receive_wrapper, send_wrapper)
        except BodyTooLarge:
            await answer(413, "Request body too large", f"The limit is {limit} bytes.")
        except Exception as exc:
            log.exception("unhandled error", exc_info=exc)
            await answer(500, "Internal Server Error", _INTERNAL_HELP, _INTERNAL_DETAILS)
        finally:
            # The route template (not the path) keeps the label set small; unmatched paths share one label.
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            status = 413 if state["refused"] else state["status"]
            elapsed = time.perf_counter() - started
            observe_request(scope.get("method", ""), route, status, elapsed)
            access_log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id_var.reset(token)


# JSON and files: nothing may run, load or frame. Pages set their own policy (the SPA, the API docs).
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# FastAPI's /docs and /redoc pages load Swagger UI / ReDoc from jsDelivr and start them with an inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
HSTS = b"max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """nosniff, no framing, no referrer, a Content-Security-Policy on every response; HSTS over https.

    A response that already carries a Content-Security-Policy (the SPA's index.html) keeps it.
    """

    def __init__(self, app: ASGIApp, always_hsts: bool = False) -> None:
        self.app = app
        self.always_hsts = always_hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path") or "")
        csp = DOCS_CSP if path.startswith(("/docs", "/redoc")) else API_CSP
        https = self.always_hsts or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                wanted = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"content-security-policy", csp.encode()),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if https:
                    wanted.append((b"strict-transport-security", HSTS))
                headers.extend((name, value) for name, value in wanted if name not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
