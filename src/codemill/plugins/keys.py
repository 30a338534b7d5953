"""Plugin keys: their shape, their hashes, and the port the auth callout asks about them."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Protocol

# A key is one NATS subject token (the CLI puts it first in every subject): no dots, wildcards or spaces.
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


@dataclass(frozen=True)
class PluginKeyIdentity:
    """Who a valid plugin key belongs to: the Plugin integration's id (never the key) and its owner."""

    key_id: str
    owner_id: str | None = None


class PluginKeyVerifier(Protocol):
    """Answers the auth callout: the identity of a plugin key, or None when it is unknown or revoked."""

    async def verify(self, key: str) -> PluginKeyIdentity | None: ...


def is_valid_key_shape(key: str) -> bool:
    """True when key can stand as one NATS subject token and is long enough to be a secret."""
    return bool(_KEY_SHAPE.match(key))


def generate_plugin_key() -> str:
    """A new random plugin key (256 bits, URL-safe, a valid subject token)."""
    return secrets.token_urlsafe(32)


def hash_plugin_key(key: str, pepper: bytes = b"") -> str:
    """The stored form of a key: keys are 256-bit random, so a keyed SHA-256 is enough (no KDF)."""
    return hmac.new(pepper, key.encode("utf-8"), hashlib.sha256).hexdigest()


def key_matches(key: str, stored_hash: str, pepper: bytes = b"") -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return hmac.compare_digest(hash_plugin_key(key, pepper), stored_hash)


class InMemoryPluginKeyVerifier:
    """A verifier over a dict of hashes: for tests and the benchmark (the integrations store replaces it)."""

    def __init__(self, pepper: bytes = b"") -> None:
        self._pepper = pepper
        self._by_hash: dict[str, PluginKeyIdentity] = {}

    def add(self, key: str, identity: PluginKeyIdentity) -> None:
        """Accept key from now on."""
        if not is_valid_key_shape(key):
            raise ValueError("a plugin key must be 16-128 characters of [A-Za-z0-9_-]")
        self._by_hash[hash_plugin_key(key, self._pepper)] = identity

    def revoke(self, key_id: str) -> None:
        """Refuse every key of this identity from now on."""
        self._by_hash = {h: i for h, i in self._by_hash.items() if i.key_id != key_id}

    async def verify(self, key: str) -> PluginKeyIdentity | None:
        digest = hash_plugin_key(key, self._pepper)
        found: PluginKeyIdentity | None = None
        # Every stored hash is compared, in constant time, without stopping at a match.
        for stored, identity in list(self._by_hash.items()):
            if hmac.compare_digest(digest, stored):
                found = identity
        return found
