"""Envelope encryption: AES-GCM under a fresh data key, the data key wrapped by a key provider.

Each ciphertext is stored with the id of the master key that wrapped its data key, so master keys
can be rotated: old keys stay known (for unwrapping) until everything is re-encrypted. The
KeyProvider port mirrors cloud KMS calls (generate a data key, decrypt a data key), so a KMS
backend can replace the local one without touching callers.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
DATA_KEY_BYTES = 32
MIN_MASTER_KEY_CHARS = 32


class CryptoError(Exception):
    """A ciphertext could not be decrypted (unknown key id, wrong key, or tampered data)."""


@dataclass(frozen=True)
class WrappedKey:
    """A data key encrypted by a master key, with that master key's id."""

    key_id: str
    blob: bytes


@dataclass(frozen=True)
class Envelope:
    """What is stored: the wrapped data key beside the ciphertext (nonce prefixed)."""

    key_id: str
    wrapped_key: bytes
    ciphertext: bytes


class KeyProvider(Protocol):
    """Where master keys live (local keyring now; a cloud KMS later)."""

    async def generate_data_key(self) -> tuple[bytes, WrappedKey]:
        """A fresh data key, in clear and wrapped under the current master key."""
        ...

    async def decrypt_data_key(self, wrapped: WrappedKey) -> bytes:
        """The clear data key of a wrapped one (CryptoError when its master key is unknown)."""
        ...

    def current_key_id(self) -> str:
        """The id of the master key new data keys are wrapped under."""
        ...


def derive_master_key(secret: str) -> bytes:
    """A 256-bit AES key from the configured master-key string (any length >= 32 characters)."""
    if len(secret) < MIN_MASTER_KEY_CHARS:
        raise ValueError(f"the master key must be at least {MIN_MASTER_KEY_CHARS} characters")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"codemill-master-key", info=b"aes-256-gcm")
    return hkdf.derive(secret.encode("utf-8"))


def key_id_of(key: bytes) -> str:
    """A short, stable id for a master key that reveals nothing about it."""
    return "local-" + hmac.new(key, b"codemill key id", hashlib.sha256).hexdigest()[:16]


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-GCM encrypt with a random nonce; the nonce is prefixed to the result."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Reverse of seal (CryptoError on a wrong key or tampered data)."""
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError) as exc:
        raise CryptoError("ciphertext could not be decrypted") from exc


@dataclass(frozen=True)
class Keyring:
    """Master keys by id, and which one is current."""

    keys: Mapping[str, bytes]
    current: str

    @classmethod
    def from_secrets(cls, current: str, previous: list[str] | tuple[str, ...] = ()) -> Keyring:
        """A keyring from master-key strings: the current one and any still needed for decryption."""
        current_key = derive_master_key(current)
        keys = {key_id_of(k): k for k in (derive_master_key(p) for p in previous)}
        keys[key_id_of(current_key)] = current_key
        return cls(keys, key_id_of(current_key))


class LocalKeyProvider:
    """Master keys held by this process; data keys wrapped with AES-GCM (AAD: the key id).

    `load` is asked for the keyring again when a key id is unknown, so a process notices a
    rotation done by `codemill admin rotate-keys` without restarting (when keys come from files).
    """

    def __init__(self, load: Callable[[], Keyring]) -> None:
        self._load = load
        self._keyring = load()

    def reload(self) -> Keyring:
        """Read the keyring again."""
        self._keyring = self._load()
        return self._keyring

    def current_key_id(self) -> str:
        return self._keyring.current

    async def generate_data_key(self) -> tuple[bytes, WrappedKey]:
        keyring = self._keyring
        data_key = AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)
        master = keyring.keys[keyring.current]
        return data_key, WrappedKey(keyring.current, seal(master, data_key, keyring.current.encode()))

    async def decrypt_data_key(self, wrapped: WrappedKey) -> bytes:
        master = self._keyring.keys.get(wrapped.key_id)
        if master is None:
            master = self.reload().keys.get(wrapped.key_id)
        if master is None:
            raise CryptoError(f"master key {wrapped.key_id} is not configured")
        return unseal(master, wrapped.blob, wrapped.key_id.encode())


class SecretCipher:
    """Encrypts and decrypts small secrets as envelopes (one data key per envelope)."""

    def __init__(self, provider: KeyProvider) -> None:
        self.provider = provider

    async def encrypt(self, plaintext: bytes, aad: bytes) -> Envelope:
        """Encrypt under a fresh data key; `aad` binds the ciphertext to its owner (e.g. a row id)."""
        data_key, wrapped = await self.provider.generate_data_key()
        return Envelope(wrapped.key_id, wrapped.blob, seal(data_key, plaintext, aad))

    async def decrypt(self, envelope: Envelope, aad: bytes) -> bytes:
        """Decrypt an envelope made by encrypt (CryptoError otherwise)."""
        data_key = await self.provider.decrypt_data_key(WrappedKey(envelope.key_id, envelope.wrapped_key))
        return unseal(data_key, envelope.ciphertext, aad)
