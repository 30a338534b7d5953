"""`codemill admin rotate-keys`: re-encrypt every integration secret under the current master key."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.integrations import repository
from codemill.integrations.sealing import open_secrets, seal_secrets
from codemill.kit.crypto import SecretCipher

log = logging.getLogger(__name__)


@dataclass
class RotationReport:
    """How many integrations were re-encrypted, by the key id they had before."""

    current_key_id: str
    reencrypted: int = 0
    previous_key_ids: Counter[str] = field(default_factory=Counter)


async def rotate_all(session: AsyncSession, cipher: SecretCipher) -> RotationReport:
    """Decrypt each integration's secrets and seal them again with a fresh data key (same transaction)."""
    report = RotationReport(cipher.provider.current_key_id())
    for integration_id in await repository.with_secrets_ids(session):
        integration = await repository.get_for_update(session, integration_id)
        if integration is None:  # deleted meanwhile
            continue
        report.previous_key_ids[integration.secret_key_id or "?"] += 1
        await seal_secrets(cipher, integration, await open_secrets(cipher, integration))
        report.reencrypted += 1
    await session.flush()
    log.info(
        "integration secrets re-encrypted",
        extra={"count": report.reencrypted, "key_id": report.current_key_id},
    )
    return report
