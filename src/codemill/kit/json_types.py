"""The one alias for genuinely free-form JSON (tool configs, stored settings, LLM payloads)."""

from __future__ import annotations

from typing import Any, TypeAlias

# A plain alias (not a `type` statement) so the OpenAPI document inlines it as an open object.
JsonObject: TypeAlias = dict[str, Any]  # noqa: UP040
"""A JSON object whose keys Codemill does not fix: use it only where the payload really is free-form."""
