"""Bearer tokens from Keycloak or any OIDC issuer: discovery, cached JWKS, issuer/audience/expiry checks."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from jwt import PyJWK

from codemill.errors import Unauthorized, Unavailable
from codemill.settings import OIDCSettings

log = logging.getLogger(__name__)

# Asymmetric algorithms only: "none" and HMAC (which would let a public key act as a shared secret) are refused.
ALLOWED_ALGORITHMS = [
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
]
MIN_REFRESH_INTERVAL = 1.0  # forced JWKS refreshes (unknown kid) at most once a second
UNKNOWN_KID_TTL = 60.0


@dataclass(frozen=True, slots=True)
class OIDCIdentity:
    """What a verified OIDC token says about its user."""

    subject: str
    email: str
    username: str
    name: str
    picture: str
    roles: frozenset[str]
    applications: tuple[str, ...]
    applications_admin: tuple[str, ...]
    expires_at: float
    claims: dict[str, Any] = field(repr=False, default_factory=dict)


def claim_list(value: Any) -> list[str]:
    """A list claim that may also be a comma-separated string (or a list of such strings)."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


class OIDCVerifier:
    """Verifies tokens of one issuer; the JWKS is cached and refreshed when an unknown `kid` shows up."""

    def __init__(self, settings: OIDCSettings, http: httpx.AsyncClient) -> None:
        if not settings.issuer:
            raise ValueError("OIDC issuer is not configured")
        self.settings = settings
        self.issuer = settings.issuer.rstrip("/")
        self._http = http
        self._keys: dict[str, PyJWK] = {}
        self._jwks_uri: str | None = None
        self._fetched_at = 0.0
        self._unknown_kids: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def discovery(self) -> dict[str, Any]:
        """The issuer's OpenID configuration document."""
        url = f"{self.issuer}/.well-known/openid-configuration"
        try:
            response = await self._http.get(url, timeout=5.0)
            response.raise_for_status()
            doc: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise Unavailable("OIDC issuer unreachable", details=f"{url}: {exc}") from exc
        if doc.get("issuer", "").rstrip("/") != self.issuer:
            raise Unavailable("OIDC discovery names another issuer", details=doc.get("issuer"))
        return doc

    async def _refresh(self, force: bool) -> None:
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            if self._keys and not force and age < self.settings.jwks_cache_seconds:
                return
            if force and age < MIN_REFRESH_INTERVAL:
                return  # an attacker spraying random kids must not make us hammer the issuer
            if self._jwks_uri is None:
                self._jwks_uri = str((await self.discovery())["jwks_uri"])
            try:
                response = await self._http.get(self._jwks_uri, timeout=5.0)
                response.raise_for_status()
                keys = response.json().get("keys", [])
            except (httpx.HTTPError, ValueError) as exc:
                raise Unavailable("OIDC JWKS unreachable", details=str(exc)) from exc
            parsed: dict[str, PyJWK] = {}
            for key in keys:
                if key.get("use", "sig") != "sig":
                    continue
                try:
                    parsed[str(key.get("kid", ""))] = PyJWK(key)
                except jwt.PyJWTError:
                    log.warning("skipping unusable JWKS key", extra={"kid": key.get("kid")})
            self._keys = parsed
            self._fetched_at = time.monotonic()

    async def _key_for(self, kid: str) -> PyJWK:
        await self._refresh(force=False)
        now = time.monotonic()
        if kid not in self._keys and now - self._unknown_kids.get(kid, 0.0) > UNKNOWN_KID_TTL:
            await self._refresh(force=True)
            if kid not in self._keys:
                if len(self._unknown_kids) > 1000:
                    self._unknown_kids.clear()
                self._unknown_kids[kid] = now
        key = self._keys.get(kid)
        if key is None and kid == "" and len(self._keys) == 1:
            key = next(iter(self._keys.values()))
        if key is None:
            raise Unauthorized("Invalid token", details="signing key not known to the issuer")
        return key

    async def verify(self, token: str) -> OIDCIdentity:
        """Verify signature, issuer, audience and expiry; map roles and project claims."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("Invalid token", details=str(exc)) from exc
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise Unauthorized("Invalid token", details=f"algorithm {header.get('alg')!r} is not accepted")
        key = await self._key_for(str(header.get("kid", "")))
        audience = self.settings.audience or None
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=ALLOWED_ALGORITHMS,
                issuer=self.issuer,
                audience=audience,
                leeway=30,
                options={"require": ["exp", "iss", "sub"], "verify_aud": audience is not None},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("JWT has expired", help="Sign in again.") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("Invalid token", details=str(exc)) from exc
        self._check_tenant(claims)
        return self._identity(claims)

    def _check_tenant(self, claims: dict[str, Any]) -> None:
        """Entra ID across tenants: only the configured tenants' users get in (the broker admits any tenant)."""
        allowed = self.settings.allowed_tenants
        if not allowed:
            return
        tenant = claims.get(self.settings.tenant_claim)
        if not isinstance(tenant, str) or tenant.lower() not in {t.lower() for t in allowed}:
            raise Unauthorized(
                "Sign-in from this organisation is not allowed",
                details=f"{self.settings.tenant_claim} {tenant!r} is not an allowed tenant",
                help="An administrator adds the tenant id to CODEMILL_OIDC__ALLOWED_TENANTS "
                "(chart: keycloak.entra.allowedTenants).",
            )

    def _identity(self, claims: dict[str, Any]) -> OIDCIdentity:
        s = self.settings
        roles = set(claim_list(claims.get(s.roles_claim)))
        roles.update(claim_list((claims.get("realm_access") or {}).get("roles")))
        client_roles = ((claims.get("resource_access") or {}).get(s.client_id) or {}).get("roles")
        roles.update(claim_list(client_roles))
        email = str(claims.get("email") or claims.get("preferred_username") or claims["sub"]).lower()
        return OIDCIdentity(
            subject=str(claims["sub"]),
            email=email,
            username=str(claims.get("preferred_username") or email),
            name=str(claims.get("name") or claims.get("preferred_username") or email),
            picture=str(claims.get("picture") or ""),
            roles=frozenset(roles),
            applications=tuple(claim_list(claims.get(s.applications_claim))),
            applications_admin=tuple(claim_list(claims.get(s.applications_admin_claim))),
            expires_at=float(claims["exp"]),
            claims=claims,
        )
