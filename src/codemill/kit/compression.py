"""Compressed responses: the UI's pre-compressed hashed assets (brotli, gzip) and the API's larger JSON bodies.

Streams are never compressed here: NDJSON chat answers and SSE events must reach the client as they are
written, and a compressor would hold them back.
"""

from __future__ import annotations

import gzip
import mimetypes
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import FileResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Hashed file names change with their content: a year, immutable.
ASSET_CACHE = "public, max-age=31536000, immutable"
# Encodings of the pre-compressed files, best first: (Content-Encoding, file suffix).
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def accepted_encodings(header: str) -> set[str]:
    """The codings an Accept-Encoding header allows (q=0 refuses one)."""
    accepted: set[str] = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip()
        if q.startswith("q=") and q[2:].strip() in {"0", "0.0", "0.00", "0.000"}:
            continue
        if name.strip():
            accepted.add(name.strip().lower())
    return accepted


class PrecompressedAssets:
    """Serves `directory` (the UI's hashed assets): the .br or .gz twin of a file when the client accepts it,
    with Content-Encoding, Vary and a long cache lifetime."""

    def __init__(self, directory: Path) -> None:
        self.root = directory.resolve()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await PlainTextResponse("Method Not Allowed", status_code=405)(scope, receive, send)
            return
        name = scope["path"].removeprefix(scope.get("root_path", "")).lstrip("/")
        path = (self.root / name).resolve()
        if not name or not path.is_relative_to(self.root) or not path.is_file() or path.suffix in (".br", ".gz"):
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {"cache-control": ASSET_CACHE, "vary": "Accept-Encoding"}
        accepted = accepted_encodings(Headers(scope=scope).get("accept-encoding", ""))
        for encoding, suffix in _ENCODINGS:
            twin = path.with_name(path.name + suffix)
            if encoding in accepted and twin.is_file():
                headers["content-encoding"] = encoding
                path = twin
                break
        await FileResponse(path, media_type=media_type, headers=headers)(scope, receive, send)


class JSONCompression:
    """Gzips whole JSON responses of at least `minimum_size` bytes for clients that accept gzip.

    Only a response sent in one piece is compressed: a streamed body (NDJSON, SSE, file downloads) passes
    untouched, so every record still goes out as soon as it is written.
    """

    def __init__(self, app: ASGIApp, minimum_size: int = 1024, level: int = 6) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.level = level

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "gzip" not in accepted_encodings(Headers(scope=scope).get("accept-encoding", "")):
            await self.app(scope, receive, send)
            return
        start: Message | None = None

        async def send_wrapper(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                json = headers.get("content-type", "").split(";")[0].strip() == "application/json"
                if json and "content-encoding" not in headers:
                    start = message  # held until the body shows whether it comes in one piece
                    return
                await send(message)
                return
            if message["type"] == "http.response.body" and start is not None:
                held, start = start, None
                body: bytes = message.get("body", b"")
                if not message.get("more_body", False) and len(body) >= self.minimum_size:
                    body = gzip.compress(body, compresslevel=self.level, mtime=0)
                    headers = MutableHeaders(raw=list(held.get("headers", [])))
                    headers["content-encoding"] = "gzip"
                    headers["content-length"] = str(len(body))
                    headers.add_vary_header("Accept-Encoding")
                    held["headers"] = headers.raw
                    message = {**message, "body": body}
                await send(held)
            await send(message)

        await self.app(scope, receive, send_wrapper)
