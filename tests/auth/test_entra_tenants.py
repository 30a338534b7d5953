"""Entra ID across tenants: tokens are admitted only from the configured tenant ids (claim `tid`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from codemill.auth.oidc import OIDCVerifier
from codemill.errors import Unauthorized
from codemill.settings import OIDCSettings
from tests.support.oidc import OIDCIssuer

CLIENT_TENANT = "8f0c1a2b-0000-4000-8000-00000000c11e"
OTHER_TENANT = "3d7e9f10-0000-4000-8000-0000000074e2"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def test_only_the_configured_tenants_get_in(oidc_issuer: OIDCIssuer, http: httpx.AsyncClient) -> None:
    verifier = OIDCVerifier(
        OIDCSettings(issuer=oidc_issuer.url, audience=["codemill"], allowed_tenants=[CLIENT_TENANT]), http
    )
    admitted = await verifier.verify(oidc_issuer.token("ann@client.example", extra={"tid": CLIENT_TENANT}))
    assert admitted.email == "ann@client.example"
    with pytest.raises(Unauthorized) as refused:
        await verifier.verify(oidc_issuer.token("eve@other.example", extra={"tid": OTHER_TENANT}))
    assert OTHER_TENANT in str(refused.value.details) and "ALLOWED_TENANTS" in str(refused.value.help)
    with pytest.raises(Unauthorized):
        await verifier.verify(oidc_issuer.token("nobody@example.com"))  # no tenant claim at all


async def test_without_a_tenant_list_any_valid_token_is_admitted(
    oidc_issuer: OIDCIssuer, http: httpx.AsyncClient
) -> None:
    verifier = OIDCVerifier(OIDCSettings(issuer=oidc_issuer.url, audience=["codemill"]), http)
    assert (await verifier.verify(oidc_issuer.token("bob@example.com", extra={"tid": OTHER_TENANT}))).email
