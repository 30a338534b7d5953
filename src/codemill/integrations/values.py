"""Checking credential values against their type, and merging an update into what is stored.

Error messages name the field and never echo a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from codemill.errors import Unprocessable
from codemill.integrations.schemas import CredentialValue
from codemill.integrations.types import MASK, TYPES, CredentialType, ValueKind, get_type

MAX_SECRET_CHARS = 65_536
MAX_PLAIN_CHARS = 4_096
MAX_DOCUMENT_CHARS = 1_048_576
MAX_LIST_ITEMS = 200
_FREE_FORM_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


@dataclass
class ValueChanges:
    """What a request says about the values: the non-secret ones in full, and per secret what to do."""

    plain: dict[str, Any] = field(default_factory=dict)
    secrets_set: dict[str, str] = field(default_factory=dict)
    secrets_clear: set[str] = field(default_factory=set)


def credential_type(name: str) -> CredentialType:
    """The type of that name, or 422 listing the supported ones."""
    found = get_type(name)
    if found is None:
        raise Unprocessable(
            f"Unknown credential type '{name[:64]}'",
            details={"field": "credential_type", "supported": sorted(TYPES)},
            help="Use one of the supported credential types.",
        )
    return found


def parse_values(ctype: CredentialType, items: list[CredentialValue]) -> ValueChanges:
    """Sort the given values into non-secret values and secret changes (masked secrets: unchanged)."""
    changes = ValueChanges()
    seen: set[str] = set()
    for item in items:
        key = item.key
        if key in seen:
            raise Unprocessable(f"credential_values: '{key}' is given twice", details={"field": key})
        seen.add(key)
        if ctype.free_form:
            if not _FREE_FORM_KEY.match(key):
                raise Unprocessable(
                    f"credential_values: '{key[:200]}' is not a valid name (letters, digits, '_', '.', '-')",
                    details={"field": key[:200]},
                )
        elif key not in ctype.field_names:
            raise Unprocessable(
                f"credential_values: unknown field '{key[:200]}' for {ctype.name}",
                details={"field": key[:200], "allowed": [f.key for f in ctype.fields]},
            )
        value = item.value
        declared = ctype.field(key)
        if declared is not None and declared.kind == ValueKind.STRING_LIST:
            changes.plain[key] = _string_list(key, value)
            continue
        if value is not None and not isinstance(value, str | bool | int | float):
            raise Unprocessable(
                f"credential_values: '{key}' must be a string, number or boolean", details={"field": key}
            )
        if ctype.is_secret(key):
            if value == MASK:
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                changes.secrets_clear.add(key)
                continue
            text = str(value)
            if len(text) > MAX_SECRET_CHARS:
                raise Unprocessable(f"credential_values: '{key}' is too long", details={"field": key})
            changes.secrets_set[key] = text
        else:
            if value is None or value == "":
                continue
            is_document = declared is not None and declared.kind == ValueKind.DOCUMENT
            limit = MAX_DOCUMENT_CHARS if is_document else MAX_PLAIN_CHARS
            if isinstance(value, str) and len(value) > limit:
                raise Unprocessable(f"credential_values: '{key}' is too long", details={"field": key})
            if declared is not None and declared.choices and str(value) not in declared.choices:
                raise Unprocessable(
                    f"credential_values: '{key}' must be one of {', '.join(declared.choices)}",
                    details={"field": key, "allowed": list(declared.choices)},
                )
            changes.plain[key] = value.strip() if isinstance(value, str) and not is_document else value
    return changes


def _string_list(key: str, value: Any) -> list[str]:
    """A list-of-strings value (MS Teams' assistant_ids): strings, no duplicates."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise Unprocessable(f"credential_values: '{key}' must be a list of strings", details={"field": key})
    if len(value) > MAX_LIST_ITEMS or len(set(value)) != len(value):
        raise Unprocessable(
            f"credential_values: '{key}' must hold at most {MAX_LIST_ITEMS} distinct values", details={"field": key}
        )
    return [v.strip() for v in value]


def merge_secrets(stored: dict[str, str], changes: ValueChanges) -> dict[str, str]:
    """The secrets after an update: stored ones kept unless changed or cleared."""
    merged = {k: v for k, v in stored.items() if k not in changes.secrets_clear}
    merged.update(changes.secrets_set)
    return merged


def require_complete(ctype: CredentialType, plain: dict[str, Any], secret_keys: set[str]) -> None:
    """422 naming every required field that is missing."""
    if ctype.free_form:
        if not plain and not secret_keys:
            raise Unprocessable(
                f"credential_values: a {ctype.name} integration needs at least one value",
                details={"field": "credential_values"},
            )
        return
    variant = str(plain[ctype.variant_key]) if ctype.variant_key and ctype.variant_key in plain else None
    missing = [
        key for key in ctype.required_for(variant) if key not in (secret_keys if ctype.is_secret(key) else plain)
    ]
    if missing:
        raise Unprocessable(
            f"Missing required credential field(s) for {ctype.name}"
            + (f" ({ctype.variant_key} {variant})" if variant else "")
            + f": {', '.join(missing)}",
            details={"field": missing[0], "missing": missing},
            help="Send every required field in credential_values.",
        )


def masked_values(ctype: CredentialType, plain: dict[str, Any], secret_keys: list[str]) -> list[CredentialValue]:
    """Values as clients see them: declared fields in order, then free-form ones; secrets masked."""
    order = [f.key for f in ctype.fields] + sorted((set(plain) | set(secret_keys)) - ctype.field_names)
    shown: list[CredentialValue] = []
    for key in order:
        if key in secret_keys:
            shown.append(CredentialValue(key=key, value=MASK))
        elif key in plain:
            shown.append(CredentialValue(key=key, value=plain[key]))
    return shown
