"""NATS nkeys and nkey-signed JWTs (the `ed25519-nkey` JWTs that auth callout exchanges).

Wire facts (nats-io/jwt v2): header `{"typ":"JWT","alg":"ed25519-nkey"}`, base64url without padding,
an ed25519 signature over `header.claims`, `jti` = base32(SHA-512/256 of the claims with an empty jti).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.signing
import nkeys

_HEADER = {"typ": "JWT", "alg": "ed25519-nkey"}

# Public-key prefixes: the first base32 letter of an encoded key names its role.
ROLE_PREFIX = {
    "account": nkeys.PREFIX_BYTE_ACCOUNT,
    "user": nkeys.PREFIX_BYTE_USER,
    "server": nkeys.PREFIX_BYTE_SERVER,
    "operator": nkeys.PREFIX_BYTE_OPERATOR,
}


class NkeyJwtError(ValueError):
    """A token or key that does not decode or verify."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise NkeyJwtError("bad base64url segment") from exc


@dataclass(frozen=True)
class SigningKey:
    """An nkey able to sign: its seed (`S…`) and public key (`A…`, `U…`, …)."""

    seed: str
    public_key: str

    @classmethod
    def from_seed(cls, seed: str) -> SigningKey:
        """Load a seed such as `SAAB…` (account) or `SUAB…` (user)."""
        try:
            pair = nkeys.from_seed(seed.encode("ascii"))
        except (nkeys.NkeysError, binascii.Error, ValueError) as exc:
            raise NkeyJwtError("invalid nkey seed") from exc
        return cls(seed=seed, public_key=pair.public_key.decode("ascii"))

    @classmethod
    def generate(cls, role: str = "account") -> SigningKey:
        """A fresh random nkey for the role (`account`, `user`, …)."""
        seed = nkeys.encode_seed(secrets.token_bytes(32), ROLE_PREFIX[role]).decode("ascii")
        return cls.from_seed(seed)

    def sign(self, data: bytes) -> bytes:
        """The raw ed25519 signature of data."""
        pair = nkeys.from_seed(self.seed.encode("ascii"))
        signature: bytes = pair.sign(data)
        return signature


def public_key_bytes(public_key: str, role: str | None = None) -> bytes:
    """The raw 32-byte ed25519 key inside an encoded nkey public key, checked (CRC, role)."""
    try:
        raw = base64.b32decode(public_key + "=" * (-len(public_key) % 8))
    except (binascii.Error, ValueError) as exc:
        raise NkeyJwtError("invalid nkey public key") from exc
    if len(raw) != 35:
        raise NkeyJwtError("invalid nkey public key length")
    body, crc = raw[:-2], int.from_bytes(raw[-2:], "little")
    if nkeys.crc16(bytearray(body)) != crc:
        raise NkeyJwtError("invalid nkey public key checksum")
    if role is not None and body[0] != ROLE_PREFIX[role]:
        raise NkeyJwtError(f"nkey public key is not a {role} key")
    return bytes(body[1:])


def encode(claims: dict[str, Any], signer: SigningKey) -> str:
    """Sign claims as an nkey JWT: sets `iss`, `iat` and `jti` the way nats-io/jwt does."""
    body = dict(claims)
    body["iss"] = signer.public_key
    body.setdefault("iat", int(time.time()))
    body["jti"] = ""
    digest = hashlib.new("sha512_256", json.dumps(body, separators=(",", ":")).encode()).digest()
    body["jti"] = base64.b32encode(digest).rstrip(b"=").decode("ascii")
    header = _b64url(json.dumps(_HEADER, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(body, separators=(",", ":")).encode())
    signature = _b64url(signer.sign(f"{header}.{payload}".encode("ascii")))
    return f"{header}.{payload}.{signature}"


def decode(token: str, *, issuer_role: str | None = None) -> dict[str, Any]:
    """Verify an nkey JWT's signature against its own `iss` key and return its claims."""
    parts = token.split(".")
    if len(parts) != 3:
        raise NkeyJwtError("a JWT has three segments")
    try:
        header = json.loads(_unb64url(parts[0]))
        claims = json.loads(_unb64url(parts[1]))
    except json.JSONDecodeError as exc:
        raise NkeyJwtError("JWT segments are not JSON") from exc
    if not isinstance(header, dict) or header.get("alg", "").lower() != "ed25519-nkey":
        raise NkeyJwtError("unsupported JWT algorithm")
    if not isinstance(claims, dict) or not isinstance(claims.get("iss"), str):
        raise NkeyJwtError("JWT has no issuer")
    verify_key = nacl.signing.VerifyKey(public_key_bytes(claims["iss"], issuer_role))
    try:
        verify_key.verify(f"{parts[0]}.{parts[1]}".encode("ascii"), _unb64url(parts[2]))
    except nacl.exceptions.BadSignatureError as exc:
        raise NkeyJwtError("bad JWT signature") from exc
    return claims
