"""The Keycloak realm for import: clients, roles, Codemill's claims, and the Entra ID templates."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.deploy.chart import ROOT

REALM_FILE = ROOT / "deploy" / "keycloak" / "codemill-realm.json"


@pytest.fixture(scope="module")
def realm() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(REALM_FILE.read_text())
    return loaded


def test_roles_admin_and_developer(realm: dict[str, Any]) -> None:
    assert {r["name"] for r in realm["roles"]["realm"]} == {"admin", "developer"}
    assert "developer" in realm["defaultRole"]["composites"]["realm"]


def test_clients_for_codemill_and_oauth2_proxy(realm: dict[str, Any]) -> None:
    clients = {c["clientId"]: c for c in realm["clients"]}
    assert {"codemill", "oauth2-proxy"} <= set(clients)
    assert clients["codemill"]["publicClient"] is True
    assert clients["oauth2-proxy"]["publicClient"] is False
    assert clients["oauth2-proxy"]["secret"].startswith("${")  # from the environment, never in the file
    assert clients["oauth2-proxy"]["redirectUris"] == ["${CODEMILL_PUBLIC_URL}/oauth2/callback"]
    for client in clients.values():
        assert "codemill" in client["defaultClientScopes"]


def test_codemill_scope_maps_roles_and_applications(realm: dict[str, Any]) -> None:
    scope = next(s for s in realm["clientScopes"] if s["name"] == "codemill")
    claims = {m["config"].get("claim.name"): m for m in scope["protocolMappers"]}
    assert claims["roles"]["protocolMapper"] == "oidc-usermodel-realm-role-mapper"
    for attribute in ("applications", "applications_admin"):
        mapper = claims[attribute]
        assert mapper["protocolMapper"] == "oidc-usermodel-attribute-mapper"
        assert mapper["config"]["user.attribute"] == attribute
        assert mapper["config"]["multivalued"] == "true"
        assert mapper["config"]["access.token.claim"] == "true"


def test_user_profile_declares_the_application_attributes(realm: dict[str, Any]) -> None:
    provider = realm["components"]["org.keycloak.userprofile.UserProfileProvider"][0]
    profile = json.loads(provider["config"]["kc.user.profile.config"][0])
    names = {a["name"] for a in profile["attributes"]}
    assert {"applications", "applications_admin", "email", "username"} <= names


def test_entra_id_templates_cover_the_three_integration_options(realm: dict[str, Any]) -> None:
    idps = {i["alias"]: i for i in realm["identityProviders"]}
    assert set(idps) == {"entra-own-tenant", "entra-cross-tenant", "entra-provider-tenant"}
    for idp in idps.values():
        assert idp["enabled"] is False  # templates: the chart enables the chosen one
        assert idp["config"]["clientSecret"].startswith("${ENTRA_CLIENT_SECRET")
        assert idp["config"]["authorizationUrl"].startswith("https://login.microsoftonline.com/")
    assert "${ENTRA_TENANT_ID" in idps["entra-own-tenant"]["config"]["issuer"]
    assert "/organizations/" in idps["entra-cross-tenant"]["config"]["tokenUrl"]
    assert "${ENTRA_PROVIDER_TENANT_ID" in idps["entra-provider-tenant"]["config"]["issuer"]
    mapped = {m["identityProviderAlias"] for m in realm["identityProviderMappers"]}
    assert mapped == set(idps)
