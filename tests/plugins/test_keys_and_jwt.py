"""Plugin key hashing and nkey JWTs."""

from __future__ import annotations

import pytest

from codemill.plugins import InMemoryPluginKeyVerifier, PluginKeyIdentity, generate_plugin_key, hash_plugin_key
from codemill.plugins.keys import is_valid_key_shape, key_matches
from codemill.plugins.nkey_jwt import NkeyJwtError, SigningKey, decode, encode, public_key_bytes


async def test_in_memory_verifier_accepts_known_keys_until_revoked():
    verifier = InMemoryPluginKeyVerifier(pepper=b"pepper")
    key, other = generate_plugin_key(), generate_plugin_key()
    verifier.add(key, PluginKeyIdentity("id-1", "owner"))
    assert await verifier.verify(key) == PluginKeyIdentity("id-1", "owner")
    assert await verifier.verify(other) is None
    verifier.revoke("id-1")
    assert await verifier.verify(key) is None


def test_hashes_depend_on_key_and_pepper():
    key = generate_plugin_key()
    assert is_valid_key_shape(key)
    assert key_matches(key, hash_plugin_key(key, b"p"), b"p")
    assert not key_matches(key, hash_plugin_key(key, b"q"), b"p")
    assert not key_matches(generate_plugin_key(), hash_plugin_key(key, b"p"), b"p")
    with pytest.raises(ValueError):
        InMemoryPluginKeyVerifier().add("bad.key.with.dots", PluginKeyIdentity("x"))


def test_jwt_round_trip_and_tampering():
    signer = SigningKey.generate("account")
    assert signer.public_key.startswith("A") and signer.seed.startswith("SA")
    token = encode({"sub": "U1", "nats": {"type": "user", "version": 2}}, signer)
    claims = decode(token, issuer_role="account")
    assert claims["iss"] == signer.public_key and len(claims["jti"]) == 52
    header, _, signature = token.split(".")
    other = encode({"sub": "U2"}, signer).split(".")[1]
    with pytest.raises(NkeyJwtError):
        decode(f"{header}.{other}.{signature}")
    with pytest.raises(NkeyJwtError):
        decode(token, issuer_role="server")


def test_public_keys_are_checked():
    public = SigningKey.generate("user").public_key
    assert len(public_key_bytes(public, "user")) == 32
    broken = public[:-1] + ("A" if public[-1] != "A" else "B")
    with pytest.raises(NkeyJwtError):
        public_key_bytes(broken)
    with pytest.raises(NkeyJwtError):
        SigningKey.from_seed("SAnotaseed")
