"""The credential catalogue: every SDK credential type exists, the docs' table says what the code does,
and the checks that open their own connections (SQL, SMTP) go through the outbound guard."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from codemie_sdk.models.integration import CredentialTypes

from codemill.integrations.checking import CheckContext, CheckFailed
from codemill.integrations.checks_direct import check_email, check_sql
from codemill.integrations.types import TYPES, CredentialType
from codemill.kit.outbound import OutboundClient

DOCS = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"


def test_every_sdk_credential_type_is_known() -> None:
    assert {member.value for member in CredentialTypes} <= set(TYPES)


def _row(ctype: CredentialType) -> str:
    if ctype.free_form:
        keys, secret, required = "any names (environment variables)", "all", "at least one value"
    else:
        keys = ", ".join(f"`{f.key}`" for f in ctype.fields)
        secret = ", ".join(f"`{f.key}`" for f in ctype.fields if f.secret) or "—"
        required = ", ".join(f"`{k}`" for k in ctype.required_for(None)) or "—"
        if ctype.variants:
            required += f"; by `{ctype.variant_key}`: " + "; ".join(
                f"{name} → " + (", ".join(f"`{k}`" for k in keys_) or "nothing more") for name, keys_ in ctype.variants
            )
    scope = " (project only)" if ctype.project_only else ""
    return f"| {ctype.name}{scope} | {keys} | {secret} | {required} | {'yes' if ctype.checker else '—'} |"


def test_docs_table_matches_the_catalogue() -> None:
    text = DOCS.read_text()
    for name in sorted(TYPES, key=str.lower):
        assert _row(TYPES[name]) in text, (
            f"docs/integrations.md is out of date for {name}: expected\n{_row(TYPES[name])}"
        )


@pytest.mark.parametrize(
    ("check", "values"),
    [
        (check_sql, {"dialect": "postgres", "url": "127.0.0.1", "port": 5432, "username": "u", "password": "p"}),
        (check_email, {"url": "127.0.0.1:25", "smtp_username": "u", "smtp_password": "p"}),
    ],
)
def test_direct_checks_refuse_private_addresses(check: object, values: dict[str, object]) -> None:
    async def run() -> str:
        client = OutboundClient(allow_private=False)
        try:
            return await check(values, CheckContext(client, 2.0))  # type: ignore[operator,no-any-return]
        finally:
            await client.aclose()

    with pytest.raises(CheckFailed) as refused:
        asyncio.run(run())
    assert "private or loopback" in refused.value.message
