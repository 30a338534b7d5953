"""The `filters` query parameter of GET /v1/assistants: a JSON object, checked field by field.

Keys are CodeMie's: project, created_by, search, shared, is_global, id, slug, categories, created_date,
integration_type. Empty values are ignored (as CodeMie does); unknown keys and wrong types are 400s
naming the key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from codemill.assistants.schemas import without_nul
from codemill.errors import BadRequest

COMPARISONS = {">=", "<=", ">", "<", "==", "!="}


@dataclass
class ListFilters:
    """Parsed filters; None means "not filtered"."""

    project: list[str] | None = None
    created_by: str | None = None
    search: str | None = None
    shared: bool | None = None
    is_global: bool | None = None
    ids: list[str] | None = None
    slugs: list[str] | None = None
    categories: list[str] | None = None
    created_date: list[tuple[str, datetime]] = field(default_factory=list)
    integration_types: list[str] | None = None


def _bad(key: str, expected: str) -> BadRequest:
    return BadRequest(
        f"Invalid filter '{key}': expected {expected}",
        details={"field": f"filters.{key}"},
        help='filters is a JSON object, e.g. {"project": "my-project", "shared": true}.',
    )


def _strings(key: str, value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and 0 < len(v) <= 500 for v in values) or len(values) > 100:
        raise _bad(key, "a string or a list of up to 100 strings")
    return values


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str) or len(value) > 500:
        raise _bad(key, "a string of at most 500 characters")
    return value


def _boolean(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _bad(key, "true or false")


def _instant(key: str, value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise _bad(key, "an ISO 8601 date or date-time") from None


def _dates(key: str, value: Any) -> list[tuple[str, datetime]]:
    if isinstance(value, dict):
        if not value or not set(value) <= COMPARISONS:
            raise _bad(key, f"an object whose keys are among {sorted(COMPARISONS)}")
        return [(op, _instant(key, v)) for op, v in value.items()]
    return [("==", _instant(key, value))]


# Each filter the list accepts: the ListFilters field it sets and how its value is read.
FIELDS: dict[str, tuple[str, Callable[[str, Any], Any]]] = {
    "project": ("project", _strings),
    "created_by": ("created_by", _string),
    "search": ("search", _string),
    "shared": ("shared", _boolean),
    "is_global": ("is_global", _boolean),
    "id": ("ids", _strings),
    "slug": ("slugs", _strings),
    "categories": ("categories", _strings),
    "created_date": ("created_date", _dates),
    "integration_type": ("integration_types", _strings),
}
KNOWN = tuple(FIELDS)


def parse_filters(raw: str | None) -> ListFilters:
    """The filters in `raw` (None or empty: no filters)."""
    if not raw:
        return ListFilters()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise BadRequest(
            "Invalid filters",
            details="Filters must be a valid encoded JSON object.",
            help="Please check the filters and ensure they are in the correct format.",
        ) from None
    if not isinstance(data, dict):
        raise BadRequest("Invalid filters", details="Filters must be a JSON object.")
    unknown = sorted(set(data) - set(KNOWN))
    if unknown:
        raise BadRequest(
            f"Unknown filter(s): {', '.join(unknown)}",
            details={"field": f"filters.{unknown[0]}", "known": list(KNOWN)},
        )
    out = ListFilters()
    for key, value in without_nul(data).items():
        if value is None or value in ("", []):
            continue
        name, read = FIELDS[key]
        setattr(out, name, read(key, value))
    return out
