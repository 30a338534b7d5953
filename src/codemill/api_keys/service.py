"""Personal API keys: created (shown once), listed, revoked, and verified for the authenticator. Never commits.

Keys carry a recognisable prefix so the authenticator tells them from JWTs without parsing; they are
random (256 bits), so a keyed SHA-256 is enough to store them (as plugin keys are).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.api_keys import repository
from codemill.errors import NotFound, Unauthorized
from codemill.models import ApiKey
from codemill.models.base import new_id

API_KEY_PREFIX = "cmk_"
_HASH_KEY = b"codemill api key"
_SHOWN_PREFIX = 12
# last_used_at is a hint for the owner, not an audit log: write it at most once a minute per key.
_LAST_USED_GRANULARITY = timedelta(minutes=1)


def is_api_key(token: str) -> bool:
    """Whether a bearer token has the shape of a personal API key."""
    return token.startswith(API_KEY_PREFIX)


def hash_api_key(key: str) -> str:
    """The stored lookup form of a key."""
    return hmac.new(_HASH_KEY, key.encode("utf-8"), hashlib.sha256).hexdigest()


async def create(session: AsyncSession, user_id: str, name: str, expires_at: datetime | None) -> tuple[ApiKey, str]:
    """A new key for the user; returns the row and the key in clear (never stored)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        id=new_id(),
        user_id=user_id,
        name=name,
        key_hash=hash_api_key(key),
        prefix=key[:_SHOWN_PREFIX],
        expires_at=expires_at,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    await session.flush()
    return row, key


async def list_own(session: AsyncSession, user_id: str) -> list[ApiKey]:
    """The user's keys that are not revoked."""
    return await repository.of_user(session, user_id)


async def revoke(session: AsyncSession, user_id: str, key_id: str) -> ApiKey:
    """Revoke one of the user's keys (another user's key is a 404); refused from the next request on."""
    row = await repository.get_for_update(session, key_id)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        raise NotFound("API key not found", details="No API key with this id is available to you.")
    row.revoked_at = datetime.now(UTC)
    await session.flush()
    return row


async def verify(session: AsyncSession, key: str) -> str:
    """The user id a key belongs to; 401 when it is unknown, revoked or expired. Notes when it was used."""
    row = await repository.by_hash(session, hash_api_key(key))
    now = datetime.now(UTC)
    if row is None:
        raise Unauthorized("Invalid API key", help="Create a key under your profile's API keys.")
    if row.revoked_at is not None:
        raise Unauthorized("API key has been revoked", help="Create a new key under your profile's API keys.")
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthorized("API key has expired", help="Create a new key under your profile's API keys.")
    if row.last_used_at is None or now - row.last_used_at >= _LAST_USED_GRANULARITY:
        row.last_used_at = now
        await session.flush()
    return row.user_id
