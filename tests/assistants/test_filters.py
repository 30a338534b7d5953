"""The `filters` JSON of the assistant list."""

from __future__ import annotations

import json

import pytest

from codemill.assistants.filters import parse_filters
from codemill.errors import BadRequest


def test_empty_and_missing_filters_filter_nothing() -> None:
    assert parse_filters(None) == parse_filters("") == parse_filters("{}")
    assert parse_filters(json.dumps({"project": "", "search": None, "categories": []})).project is None


def test_known_filters_are_parsed() -> None:
    parsed = parse_filters(
        json.dumps(
            {
                "project": "alpha",
                "id": ["a", "b"],
                "shared": "true",
                "is_global": False,
                "search": "review",
                "created_date": {">=": "2026-01-01"},
                "integration_type": "Git",
            }
        )
    )
    assert parsed.project == ["alpha"] and parsed.ids == ["a", "b"]
    assert parsed.shared is True and parsed.is_global is False and parsed.search == "review"
    assert [op for op, _ in parsed.created_date] == [">="]
    assert parsed.integration_types == ["Git"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"nope": 1}', "filters.nope"),
        ('{"shared": "maybe"}', "filters.shared"),
        ('{"project": 5}', "filters.project"),
        ('{"created_date": {"~": "2026-01-01"}}', "filters.created_date"),
        ('{"created_date": "yesterday"}', "filters.created_date"),
    ],
)
def test_bad_filters_name_the_key(raw: str, field: str) -> None:
    with pytest.raises(BadRequest) as err:
        parse_filters(raw)
    assert err.value.details["field"] == field


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"'])
def test_filters_must_be_a_json_object(raw: str) -> None:
    with pytest.raises(BadRequest) as err:
        parse_filters(raw)
    assert err.value.message == "Invalid filters"
