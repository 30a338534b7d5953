"""mermaid.ink's path encoding of a diagram: `pako:` + base64url(zlib(JSON {"code": …})), or plain base64."""

from __future__ import annotations

import base64
import binascii
import json
import zlib

from codemill.errors import BadRequest

PAKO = "pako:"


def encode(code: str) -> str:
    """The path segment mermaid.ink (and `codemill mermaid`) decodes back to `code`."""
    document = json.dumps({"code": code, "mermaid": {"theme": "default"}}).encode()
    return PAKO + base64.urlsafe_b64encode(zlib.compress(document, 9)).decode().rstrip("=")


def decode(segment: str) -> str:
    """The diagram source of a path segment (either form); BadRequest when it is not one."""
    try:
        if segment.startswith(PAKO):
            raw = segment.removeprefix(PAKO)
            document = json.loads(zlib.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))))
            code = document["code"]
            if not isinstance(code, str):
                raise TypeError("code is not text")
            return code
        raw = segment.removeprefix("base64:")
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (binascii.Error, zlib.error, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise BadRequest("the diagram is not encoded as mermaid.ink expects", details=str(exc)) from exc
