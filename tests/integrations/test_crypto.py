"""Envelope encryption and the master-key sources (settings, or 0600 files in the data directory)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from codemill.integrations.keyring import (
    MASTER_KEY_FILE,
    PREVIOUS_KEYS_FILE,
    build_cipher,
    generate_new_master_key,
    keyring_loader,
)
from codemill.kit.crypto import CryptoError, Envelope, Keyring, LocalKeyProvider, SecretCipher, derive_master_key
from codemill.settings import Settings

OLD = "old-master-key-0123456789abcdef0123456789"
NEW = "new-master-key-0123456789abcdef0123456789"


def cipher(current: str, *previous: str) -> SecretCipher:
    keyring = Keyring.from_secrets(current, list(previous))
    return SecretCipher(LocalKeyProvider(lambda: keyring))


async def test_round_trip_binds_to_aad_and_detects_tampering() -> None:
    box = cipher(OLD)
    sealed = await box.encrypt(b"s3cret-value", b"row-1")
    assert b"s3cret-value" not in sealed.ciphertext + sealed.wrapped_key
    assert sealed.key_id == box.provider.current_key_id() and sealed.key_id.startswith("local-")
    assert await box.decrypt(sealed, b"row-1") == b"s3cret-value"
    # Two encryptions of the same value share nothing (fresh data key and nonces).
    again = await box.encrypt(b"s3cret-value", b"row-1")
    assert again.ciphertext != sealed.ciphertext and again.wrapped_key != sealed.wrapped_key
    with pytest.raises(CryptoError):
        await box.decrypt(sealed, b"row-2")  # moved to another row
    tampered = Envelope(sealed.key_id, sealed.wrapped_key, sealed.ciphertext[:-1] + bytes([sealed.ciphertext[-1] ^ 1]))
    with pytest.raises(CryptoError):
        await box.decrypt(tampered, b"row-1")
    # Flip a bit (never overwrite with a constant: the last byte may already hold it, 1 time in 256).
    rewrapped = sealed.wrapped_key[:-1] + bytes([sealed.wrapped_key[-1] ^ 1])
    with pytest.raises(CryptoError):
        await box.decrypt(Envelope(sealed.key_id, rewrapped, sealed.ciphertext), b"row-1")


async def test_rotation_keeps_old_keys_readable_until_dropped() -> None:
    sealed = await cipher(OLD).encrypt(b"value", b"aad")
    rotating = cipher(NEW, OLD)
    assert await rotating.decrypt(sealed, b"aad") == b"value"
    resealed = await rotating.encrypt(b"value", b"aad")
    assert resealed.key_id != sealed.key_id
    only_new = cipher(NEW)
    assert await only_new.decrypt(resealed, b"aad") == b"value"
    with pytest.raises(CryptoError, match="not configured"):
        await only_new.decrypt(sealed, b"aad")


def test_master_keys_must_be_long() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        derive_master_key("short")


def test_settings_key_wins_and_external_database_without_key_has_none(tmp_path: Path) -> None:
    from_env = Settings(data_dir=tmp_path, master_key=NEW, previous_master_keys=[OLD])  # type: ignore[arg-type]
    loader = keyring_loader(from_env)
    assert loader is not None and len(loader().keys) == 2
    assert not (tmp_path / MASTER_KEY_FILE).exists()
    external = Settings(data_dir=tmp_path, database_url="postgresql+asyncpg://x/y")  # type: ignore[arg-type]
    assert build_cipher(external) is None


async def test_embedded_key_file_is_private_and_rotation_generates_a_new_one(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    box = build_cipher(settings)
    assert box is not None
    key_file = tmp_path / MASTER_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    sealed = await box.encrypt(b"value", b"aad")
    assert build_cipher(settings) is not None and key_file.read_text() == key_file.read_text()

    new_id = generate_new_master_key(settings)
    assert new_id != sealed.key_id
    assert stat.S_IMODE((tmp_path / PREVIOUS_KEYS_FILE).stat().st_mode) == 0o600
    # A running process notices the new current key when it meets its id, and still reads old data.
    fresh = build_cipher(settings)
    assert fresh is not None and fresh.provider.current_key_id() == new_id
    assert await fresh.decrypt(sealed, b"aad") == b"value"
    resealed = await fresh.encrypt(b"value", b"aad")
    assert await box.decrypt(resealed, b"aad") == b"value"
    assert box.provider.current_key_id() == new_id

    with pytest.raises(ValueError, match="CODEMILL_MASTER_KEY"):
        generate_new_master_key(Settings(data_dir=tmp_path, master_key=NEW))  # type: ignore[arg-type]
