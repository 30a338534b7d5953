"""A real OIDC issuer for tests: serves discovery and JWKS over HTTP and signs RS256 tokens."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class SigningKey:
    """An RSA key with a kid."""

    def __init__(self) -> None:
        self.kid = uuid.uuid4().hex[:12]
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        data.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return data


class OIDCIssuer:
    """Discovery at /.well-known/openid-configuration, keys at /jwks; `token()` signs like Keycloak."""

    def __init__(self, audience: str = "codemill") -> None:
        self.audience = audience
        self.keys = [SigningKey()]
        self.jwks_requests = 0
        # When the JWKS was last served (time.monotonic(), one clock for every process on the machine).
        self.jwks_served_at = 0.0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.endswith("/.well-known/openid-configuration"):
                    body = {
                        "issuer": issuer.url,
                        "jwks_uri": f"{issuer.url}/jwks",
                        "authorization_endpoint": f"{issuer.url}/auth",
                        "token_endpoint": f"{issuer.url}/token",
                    }
                elif self.path.endswith("/jwks"):
                    issuer.jwks_requests += 1
                    body = {"keys": [k.jwk() for k in issuer.keys]}
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                if self.path.endswith("/jwks"):
                    issuer.jwks_served_at = time.monotonic()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/realms/codemill"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def rotate(self) -> SigningKey:
        """Add a new signing key (published in the JWKS) and sign with it from now on."""
        key = SigningKey()
        self.keys.append(key)
        return key

    def token(
        self,
        email: str,
        *,
        roles: list[str] | None = None,
        applications: list[str] | str | None = None,
        applications_admin: list[str] | None = None,
        key: SigningKey | None = None,
        issuer: str | None = None,
        audience: str | None = None,
        expires_in: int = 300,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """A signed access token shaped like Keycloak's."""
        key = key or self.keys[-1]
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer or self.url,
            "aud": audience or self.audience,
            "sub": str(uuid.uuid5(uuid.NAMESPACE_DNS, email)),
            "email": email,
            "preferred_username": email.split("@")[0],
            "name": email.split("@")[0].title(),
            "iat": now,
            "exp": now + expires_in,
            "realm_access": {"roles": roles or ["developer"]},
            "applications": applications or [],
            "applications_admin": applications_admin or [],
            **(extra or {}),
        }
        return jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid})

    def close(self) -> None:
        self._server.shutdown()
