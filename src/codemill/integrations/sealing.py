"""Putting an integration's secret values into its envelope, and taking them out.

The envelope's AAD is the integration's id, so a ciphertext copied onto another row does not decrypt.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.errors import Unavailable
from codemill.kit.crypto import CryptoError, Envelope, SecretCipher
from codemill.models import Integration

# The key under which Resources puts the cipher in every session's `info` (see Resources.build).
CIPHER_INFO_KEY = "codemill.secret_cipher"


class SecretsUnreadable(Exception):
    """Stored secrets cannot be decrypted with the configured master keys."""


def cipher_of(session: AsyncSession) -> SecretCipher:
    """The cipher attached to this session's factory (503 when no master key is configured)."""
    cipher = session.info.get(CIPHER_INFO_KEY)
    if not isinstance(cipher, SecretCipher):
        raise Unavailable(
            "Integrations with secrets are unavailable: no master key is configured",
            help="Set CODEMILL_MASTER_KEY (at least 32 characters) on every Codemill process.",
        )
    return cipher


def _aad(integration: Integration) -> bytes:
    return f"codemill-integration:{integration.id}".encode()


async def seal_secrets(cipher: SecretCipher, integration: Integration, secrets: dict[str, str]) -> None:
    """Encrypt `secrets` into the integration's envelope (or clear it when there are none)."""
    integration.secret_keys = sorted(secrets)
    if not secrets:
        integration.secret_key_id = integration.secret_wrapped_key = integration.secret_ciphertext = None
        return
    envelope = await cipher.encrypt(orjson.dumps(secrets), _aad(integration))
    integration.secret_key_id = envelope.key_id
    integration.secret_wrapped_key = envelope.wrapped_key
    integration.secret_ciphertext = envelope.ciphertext


async def open_secrets(cipher: SecretCipher, integration: Integration) -> dict[str, str]:
    """The integration's secret values in clear."""
    if integration.secret_ciphertext is None or integration.secret_key_id is None:
        return {}
    envelope = Envelope(integration.secret_key_id, integration.secret_wrapped_key or b"", integration.secret_ciphertext)
    try:
        data: Any = orjson.loads(await cipher.decrypt(envelope, _aad(integration)))
    except (CryptoError, orjson.JSONDecodeError) as exc:
        raise SecretsUnreadable(f"secrets of integration {integration.id} cannot be decrypted: {exc}") from exc
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


async def all_values(cipher: SecretCipher, integration: Integration) -> dict[str, Any]:
    """Every value in clear (non-secret and secret), for checkers and tools."""
    return {**integration.values, **await open_secrets(cipher, integration)}
