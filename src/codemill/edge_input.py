"""Input hygiene at the edge: text PostgreSQL cannot store is refused with a 422 naming the field.

PostgreSQL text and JSONB cannot hold NUL (U+0000); a lone surrogate cannot be encoded as UTF-8;
JSON's NaN/Infinity are not JSON to PostgreSQL; and integers past int64 overflow every column. Rather
than guard each repository function, one app-wide dependency looks at everything a request carries
(path, query, headers, JSON body, form fields and file names) before any handler or query runs.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Cheap pre-filter on the raw JSON bytes: only a body with one of these is parsed a second time.
_SUSPECT_JSON = re.compile(rb"\\u(?:0000|d[89a-f][0-9a-f]{2})|NaN|Infinity|\d{19}|\x00", re.IGNORECASE)
_INT64 = 2**63
_MAX_DEPTH = 64


def _text_problem(text: str) -> str | None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "must not contain NUL characters (\\u0000)"
    return "must not contain unpaired surrogate code points"


def _walk(value: Any, loc: tuple[str | int, ...], depth: int = 0) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(location, problem) for every value in a parsed JSON document that cannot be stored."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        problem = _text_problem(value)
        if problem:
            yield loc, problem
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if not -_INT64 <= value < _INT64:
            yield loc, "integer is out of range"
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield loc, "must be a finite number (NaN and Infinity are not JSON)"
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = _text_problem(key)
            if problem:
                yield (*loc, key), f"field name {problem}"
            else:
                yield from _walk(item, (*loc, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*loc, index), depth + 1)


def _json_problems_at(raw: bytes, loc: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], str]]:
    if not _SUSPECT_JSON.search(raw):
        return []
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return []  # not JSON: the parameter's own validation answers (422 "Malformed JSON body" for a body)
    return list(_walk(document, loc))


def _pairs_problems(kind: str, pairs: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for key, value in pairs:
        key_problem = _text_problem(str(key))
        if key_problem:
            yield (kind, str(key)), f"parameter name {key_problem}"
        elif isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                yield (kind, str(key)), problem
            elif value[:1] in ("{", "[") and _SUSPECT_JSON.search(value.encode()):
                # JSON inside a parameter (`filters`): its escapes become NUL or surrogates once parsed.
                yield from _json_problems_at(value.encode(), (kind, str(key)))
        elif getattr(value, "filename", None):  # an uploaded file: its name is stored, its bytes are not text
            problem = _text_problem(str(value.filename))
            if problem:
                yield (kind, str(key), "filename"), problem


async def refuse_unstorable_input(request: Request) -> None:
    """422 naming the field when the request carries text or numbers that PostgreSQL cannot store."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    problems.extend(_pairs_problems("path", request.path_params.items()))
    problems.extend(_pairs_problems("query", request.query_params.multi_items()))
    problems.extend(_pairs_problems("header", request.headers.items()))
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type in ("", "application/json") or content_type.endswith("+json"):  # FastAPI reads no type as JSON
        problems.extend(_json_problems_at(await request.body(), ("body",)))
    elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        problems.extend(_pairs_problems("body", (await request.form()).multi_items()))
    if problems:
        raise RequestValidationError(
            [{"type": "unstorable_value", "loc": loc, "msg": f"Value {problem}"} for loc, problem in problems[:20]]
        )
