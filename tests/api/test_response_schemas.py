"""Every route's OpenAPI entry describes its response: a named schema, not `{}` or a bare free-form object."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from scripts.openapi_document import openapi_document

METHODS = ("get", "post", "put", "patch", "delete")

# Routes allowed without a typed response schema, each with its reason. Streams and downloads document
# their JSON form through `responses=` (the chat routes do: JSON, or NDJSON records with `stream=true`),
# so today none needs an exception.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def typed(schema: dict[str, Any] | None) -> bool:
    """A schema a client can generate types from: a model reference, a list of them, or a scalar."""
    if not schema:
        return False
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return typed(schema.get("items"))
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return all(typed(s) or s.get("type") == "null" for s in schema[key])
    if schema.get("type") == "object":
        return bool(schema.get("properties"))
    return schema.get("type") in ("string", "integer", "number", "boolean")


def untyped_operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(METHOD, path) of every operation whose success responses carry no typed schema."""
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            successes = [r for code, r in operation.get("responses", {}).items() if code.startswith("2")]
            described = any(
                "content" not in response  # 204 and the like: no body to describe
                or any(typed(media.get("schema")) for media in response["content"].values())
                for response in successes
            )
            if not described:
                found.append((method.upper(), path))
    return found


def test_every_route_declares_its_response_schema() -> None:
    missing = [op for op in untyped_operations(openapi_document()) if op not in EXCEPTIONS]
    assert missing == [], "routes without a response_model (add one, CodeMie's field names):\n" + "\n".join(
        f"  {method} {path}" for method, path in missing
    )


def test_exceptions_name_existing_routes() -> None:
    document = openapi_document()
    for method, path in EXCEPTIONS:
        assert method.lower() in document["paths"].get(path, {}), f"stale exception: {method} {path}"


def test_the_check_finds_a_route_without_a_model() -> None:
    app = FastAPI()

    @app.get("/untyped")
    async def untyped() -> dict[str, Any]:
        return {}

    @app.get("/typed")
    async def typed_route() -> list[str]:
        return []

    @app.delete("/gone", status_code=204)
    async def gone() -> None:
        return None

    assert untyped_operations(app.openapi()) == [("GET", "/untyped")]
