"""Tokens issued by local login: HS256 JWTs signed with the server's secret key."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt

from codemill.errors import Unauthorized

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class LocalClaims:
    """What a verified local token says."""

    user_id: str
    email: str
    token_id: str
    issued_at: float
    expires_at: float


class LocalTokenService:
    """Issues and verifies local access tokens."""

    def __init__(self, secret: str, issuer: str, ttl_seconds: int) -> None:
        if len(secret) < 32:
            raise ValueError("the local-auth secret key must be at least 32 characters")
        self._secret = secret
        self.issuer = issuer
        self._ttl = ttl_seconds

    def issue(self, user_id: str, email: str) -> tuple[str, LocalClaims]:
        """A new token for the user."""
        now = time.time()
        claims = LocalClaims(user_id, email, uuid.uuid4().hex, now, now + self._ttl)
        payload = {
            "sub": user_id,
            "email": email,
            "auth_source": "local",
            "iss": self.issuer,
            "iat": int(now),
            "exp": int(claims.expires_at),
            "jti": claims.token_id,
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM), claims

    def verify(self, token: str) -> LocalClaims:
        """Verify signature, issuer and expiry; 401 otherwise."""
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                options={"require": ["sub", "iss", "exp", "iat", "jti"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("JWT has expired", help="Log in again.") from exc
        except jwt.InvalidIssuerError as exc:
            raise Unauthorized("Invalid JWT issuer") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("Invalid token", details=str(exc)) from exc
        return LocalClaims(
            user_id=str(payload["sub"]),
            email=str(payload.get("email", "")),
            token_id=str(payload["jti"]),
            issued_at=float(payload["iat"]),
            expires_at=float(payload["exp"]),
        )


def unverified_issuer(token: str) -> str | None:
    """The `iss` claim without verification, to pick the verifier; None if the token is not a JWT."""
    try:
        value = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        return None
    return value if isinstance(value, str) else None
