"""Secrets in an assistant's configuration are stored sealed, with the integrations' cipher.

The secrets: sensitive prompt-variable values, and the environment values, header values and auth
token of MCP servers. Each is stored in place of its value as one string, `codemill-sealed:v1:` then the
envelope (master key id, wrapped data key, ciphertext; base64), whose AAD is the assistant's id, so a
sealed value copied onto another assistant does not open. Versions hold the same sealed strings as the
assistant did, so a rollback restores them as they were.

Values are opened only where they are used (chat rendering the system prompt, an MCP server being
launched) and by `codemill admin rotate-keys`; API responses show the mask instead.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.errors import Unavailable
from codemill.integrations.sealing import cipher_of
from codemill.kit.crypto import CryptoError, Envelope, SecretCipher
from codemill.models import Assistant

SEALED_PREFIX = "codemill-sealed:v1:"


class SealedValueUnreadable(Exception):
    """A sealed value cannot be opened with the configured master keys (or was not made for this assistant)."""


def is_sealed(value: Any) -> bool:
    """Whether a stored value is a sealed one."""
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def _aad(assistant_id: str) -> bytes:
    return f"codemill-assistant:{assistant_id}".encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _envelope(sealed: str) -> Envelope:
    try:
        key_id, wrapped, ciphertext = (base64.urlsafe_b64decode(p) for p in sealed[len(SEALED_PREFIX) :].split("."))
        return Envelope(key_id.decode(), wrapped, ciphertext)
    except ValueError as exc:
        raise SealedValueUnreadable("a sealed value is malformed") from exc


def key_id_of(sealed: str) -> str:
    """The id of the master key that sealed a value."""
    return _envelope(sealed).key_id


async def seal_value(cipher: SecretCipher, assistant_id: str, value: Any) -> str:
    """A value (any JSON value: env values may be numbers) sealed for this assistant."""
    envelope = await cipher.encrypt(orjson.dumps(value), _aad(assistant_id))
    parts = (envelope.key_id.encode(), envelope.wrapped_key, envelope.ciphertext)
    return SEALED_PREFIX + ".".join(_b64(p) for p in parts)


async def open_value(cipher: SecretCipher, assistant_id: str, value: Any) -> Any:
    """The clear value of a sealed one (a value stored before sealing existed is returned as it is)."""
    if not is_sealed(value):
        return value
    try:
        return orjson.loads(await cipher.decrypt(_envelope(value), _aad(assistant_id)))
    except (CryptoError, orjson.JSONDecodeError) as exc:
        raise SealedValueUnreadable(f"a secret of assistant {assistant_id} cannot be decrypted: {exc}") from exc


def secret_slots(
    prompt_variables: list[dict[str, Any]], mcp_servers: list[dict[str, Any]]
) -> Iterator[tuple[Any, Any]]:
    """(holder, key) of every secret value present: `holder[key]` is the value (sealed or not)."""
    for variable in prompt_variables:
        if isinstance(variable, dict) and variable.get("is_sensitive") and variable.get("default_value"):
            yield variable, "default_value"
    for server in mcp_servers:
        config = server.get("config") if isinstance(server, dict) else None
        if not isinstance(config, dict):
            continue
        for part in ("env", "headers"):
            values = config.get(part)
            if isinstance(values, dict):
                yield from ((values, key) for key, value in values.items() if value not in (None, ""))
        if config.get("auth_token"):
            yield config, "auth_token"


def sealed_values(prompt_variables: list[dict[str, Any]], mcp_servers: list[dict[str, Any]]) -> set[str]:
    """The sealed strings a configuration holds."""
    return {holder[key] for holder, key in secret_slots(prompt_variables, mcp_servers) if is_sealed(holder[key])}


def stored_sealed_values(assistant: Assistant) -> set[str]:
    """The sealed strings stored on an assistant now (what an update may keep as it is)."""
    return sealed_values(assistant.prompt_variables or [], assistant.mcp_servers or [])


async def seal_assistant(session: AsyncSession, assistant: Assistant, kept: set[str]) -> None:
    """Seal every secret of the assistant's configuration, except sealed strings in `kept` (those that
    came from storage: a masked value sent back keeps what is stored). 503 when a secret needs sealing
    and no master key is configured."""
    variables = copy.deepcopy(assistant.prompt_variables or [])
    servers = copy.deepcopy(assistant.mcp_servers or [])
    todo = [(holder, key) for holder, key in secret_slots(variables, servers) if holder[key] not in kept]
    if not todo:
        return
    cipher = cipher_of(session)
    for holder, key in todo:
        holder[key] = await seal_value(cipher, assistant.id, holder[key])
    assistant.prompt_variables, assistant.mcp_servers = variables, servers


async def _opened(
    session: AsyncSession, assistant_id: str, variables: list[dict[str, Any]], servers: list[dict[str, Any]]
) -> None:
    slots = [(holder, key) for holder, key in secret_slots(variables, servers) if is_sealed(holder[key])]
    if not slots:
        return
    cipher = cipher_of(session)
    try:
        for holder, key in slots:
            holder[key] = await open_value(cipher, assistant_id, holder[key])
    except SealedValueUnreadable as exc:
        raise Unavailable(
            "A secret of this assistant cannot be decrypted with the configured master keys",
            details={"assistant_id": assistant_id},
            help="Configure the master key it was sealed with (CODEMILL_PREVIOUS_MASTER_KEYS), then run "
            "`codemill admin rotate-keys`.",
        ) from exc


async def prompt_values(session: AsyncSession, assistant: Assistant) -> dict[str, str]:
    """The prompt variables' values in clear, by key: what the system prompt renders with."""
    variables = copy.deepcopy(assistant.prompt_variables or [])
    await _opened(session, assistant.id, variables, [])
    return values_of(variables)


def values_of(prompt_variables: list[dict[str, Any]]) -> dict[str, str]:
    """Prompt variables' values by key (as they are: sealed ones are opened by prompt_values)."""
    return {
        str(v.get("key")): str(v.get("default_value") or "")
        for v in prompt_variables
        if isinstance(v, dict) and v.get("key")
    }


async def mcp_servers_in_clear(session: AsyncSession, assistant: Assistant) -> list[dict[str, Any]]:
    """The assistant's MCP servers with their env values, header values and tokens in clear: only for
    launching the servers (never for a response or a log)."""
    servers = copy.deepcopy(assistant.mcp_servers or [])
    await _opened(session, assistant.id, [], servers)
    return servers
