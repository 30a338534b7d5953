"""Pretty-print or convert JSON and YAML documents."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from codemill.tools.base import ToolContext, ToolError

MAX_INPUT = 200_000
EMBEDDED_JSON = re.compile(r"(\{.*\}|\[.*\])", re.DOTALL)


class FormatJsonYaml:
    """Validates a JSON or YAML document and prints it formatted, as JSON or as YAML."""

    name = "format_json_yaml"
    label = "JSON/YAML formatter"
    description = (
        "Validate a JSON or YAML document and return it pretty-printed, or converted: "
        "output_format 'json' (default) or 'yaml'. Reports the parse error when the input is invalid."
    )
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {
            "text": {"type": "string", "description": "The JSON or YAML document."},
            "output_format": {"type": "string", "enum": ["json", "yaml"], "default": "json"},
            "indent": {"type": "integer", "default": 2, "minimum": 0, "maximum": 8},
        },
        "required": ["text"],
    }

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """The document, formatted."""
        text = str(args.get("text") or "")
        if not text.strip():
            raise ToolError("The 'text' argument is required.")
        if len(text) > MAX_INPUT:
            raise ToolError(f"The document is longer than {MAX_INPUT} characters.")
        output = str(args.get("output_format") or "json").lower()
        if output not in ("json", "yaml"):
            raise ToolError("output_format must be 'json' or 'yaml'.")
        try:
            indent = min(max(int(args.get("indent", 2)), 0), 8)
        except (TypeError, ValueError) as exc:
            raise ToolError("indent must be an integer.") from exc
        document, source = parse_document(text)
        if output == "yaml":
            body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, indent=max(indent, 2))
        else:
            body = json.dumps(document, indent=indent or None, ensure_ascii=False)
        return f"Valid {source}. Formatted as {output.upper()}:\n{body}"


def parse_document(text: str) -> tuple[Any, str]:
    """The parsed document and what it was (JSON or YAML); a JSON document inside prose is found too."""
    try:
        return json.loads(text), "JSON"
    except json.JSONDecodeError as exc:
        json_error = exc
    embedded = EMBEDDED_JSON.search(text)
    # A JSON object after a line of prose ("Please format {...}"); YAML would read the prose as a key.
    if embedded and embedded.group(0).startswith("{") and ":" not in text[: embedded.start()]:
        try:
            return json.loads(embedded.group(0)), "JSON"
        except json.JSONDecodeError:
            pass
    yaml_error: yaml.YAMLError | None = None
    try:
        document = yaml.safe_load(text)
        if isinstance(document, dict | list):
            return document, "YAML"
    except yaml.YAMLError as exc:
        yaml_error = exc
    if embedded:
        try:
            return json.loads(embedded.group(0)), "JSON"
        except json.JSONDecodeError:
            pass
    if yaml_error is not None:
        raise ToolError(f"Neither valid JSON ({json_error}) nor valid YAML ({yaml_error}).")
    raise ToolError(f"No JSON or YAML document found (JSON error: {json_error}).")
