"""`codemill admin rotate-keys`, for assistants: re-seal every secret of every assistant and version
under the current master key (values stored in clear before sealing existed are sealed too)."""

from __future__ import annotations

import copy
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import repository
from codemill.assistants.sealing import is_sealed, key_id_of, open_value, seal_value, secret_slots
from codemill.kit.crypto import SecretCipher

log = logging.getLogger(__name__)
CLEAR = "clear"


@dataclass
class AssistantRotation:
    """How many assistants and versions were re-sealed, and the key ids their values had before."""

    assistants: int = 0
    versions: int = 0
    previous_key_ids: Counter[str] = field(default_factory=Counter)


async def _reseal(
    cipher: SecretCipher, assistant_id: str, config: dict[str, Any], report: AssistantRotation
) -> dict[str, Any] | None:
    """The configuration with every secret sealed afresh, or None when it holds none."""
    config = copy.deepcopy(config)
    slots = list(secret_slots(config.get("prompt_variables") or [], config.get("mcp_servers") or []))
    for holder, key in slots:
        value = holder[key]
        report.previous_key_ids[key_id_of(value) if is_sealed(value) else CLEAR] += 1
        holder[key] = await seal_value(cipher, assistant_id, await open_value(cipher, assistant_id, value))
    return config if slots else None


async def rotate_assistant_secrets(session: AsyncSession, cipher: SecretCipher) -> AssistantRotation:
    """Re-seal the secrets of every assistant and version (same transaction; flushed, not committed)."""
    report = AssistantRotation()
    for assistant_id in await repository.ids_with_secrets(session):
        assistant = await repository.get_for_update(session, assistant_id)
        if assistant is None:  # deleted meanwhile
            continue
        current = {"prompt_variables": assistant.prompt_variables, "mcp_servers": assistant.mcp_servers}
        resealed = await _reseal(cipher, assistant.id, current, report)
        if resealed is not None:
            assistant.prompt_variables = resealed["prompt_variables"]
            assistant.mcp_servers = resealed["mcp_servers"]
            report.assistants += 1
    for version_id in await repository.version_ids_with_secrets(session):
        version = await repository.get_version_for_update(session, version_id)
        if version is None:
            continue
        resealed = await _reseal(cipher, version.assistant_id, version.config, report)
        if resealed is not None:
            version.config = resealed
            report.versions += 1
    await session.flush()
    log.info(
        "assistant secrets re-sealed",
        extra={
            "assistants": report.assistants,
            "versions": report.versions,
            "key_id": cipher.provider.current_key_id(),
        },
    )
    return report
