"""What a credential type is made of: its fields (secret, required, allowed values) and its variants.

The table of types lives in `types.py` (the first eight) and `credential_catalogue.py` (the rest).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codemill.integrations.checking import Checker

# A rule over a type's non-secret values that the field table cannot say (a cron expression's shape);
# it raises Unprocessable naming the field.
ValueRule = Callable[[dict[str, Any]], None]

MASK = "*" * 10


class ValueKind(enum.StrEnum):
    """The shape of a field's value."""

    TEXT = "text"  # a string, number or boolean, up to MAX_PLAIN_CHARS
    DOCUMENT = "document"  # a long text (an OpenAPI specification)
    STRING_LIST = "string_list"  # a list of strings (MS Teams' assistant ids)


@dataclass(frozen=True)
class CredentialField:
    """One credential value: its key, whether it is secret (encrypted, masked) and required.

    choices: the values a non-secret field accepts (empty: any).
    """

    key: str
    secret: bool = False
    required: bool = False
    description: str = ""
    choices: tuple[str, ...] = ()
    kind: ValueKind = ValueKind.TEXT


@dataclass(frozen=True)
class CredentialType:
    """A kind of integration.

    free_form: any keys are accepted and every value is secret (MCP servers' environment variables).
    generated: the key of a secret the server generates at creation (plugin keys).
    url_key: the field naming the target, used to match Git credentials to repositories.
    variant_key/variants: a field (auth_type, dialect) whose value decides which further fields are
        required; the first variant is the default when the field is not given.
    project_only: only project integrations of this type exist (CodeMie: MS Teams bots, DIAL).
    one_per_project: at most one integration of this type per project (CodeMie: MS Teams bots).
    unique_value: a non-secret key whose value no other integration of this type may hold (webhook_id).
    rule: a further check of the non-secret values.
    """

    name: str
    fields: tuple[CredentialField, ...] = ()
    checker: Checker | None = None
    free_form: bool = False
    generated: str | None = None
    url_key: str | None = None
    description: str = ""
    variant_key: str | None = None
    variants: tuple[tuple[str, tuple[str, ...]], ...] = ()
    project_only: bool = False
    one_per_project: bool = False
    unique_value: str | None = None
    rule: ValueRule | None = None
    field_names: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_names", frozenset(f.key for f in self.fields))

    def is_secret(self, key: str) -> bool:
        """Whether the value under `key` is encrypted and masked."""
        if self.free_form:
            return True
        return any(f.key == key and f.secret for f in self.fields)

    def field(self, key: str) -> CredentialField | None:
        """The declared field, if any."""
        return next((f for f in self.fields if f.key == key), None)

    def required_for(self, variant: str | None) -> list[str]:
        """Keys required in this variant (the always-required ones first)."""
        required = [f.key for f in self.fields if f.required and f.key != self.generated]
        chosen = variant or (self.variants[0][0] if self.variants else None)
        for name, keys in self.variants:
            if name == chosen:
                required += [k for k in keys if k not in required]
        return required
