"""Share links: the owner shares a conversation read-only; anyone signed in with the token reads it until revoked.

Files attached in a shared conversation follow the link: `shared_file_allowed` is the check the files
download route calls with the token it was given (see docs/conversations.md).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.conversations import repository, service
from codemill.conversations.sharing_schemas import SharedConversationOut
from codemill.errors import NotFound, access_denied
from codemill.models import Conversation, ConversationShare, StoredFile
from codemill.users import repository as users_repository

READ_ONLY = ["read"]


def _gone() -> NotFound:
    return NotFound(
        "Shared conversation not found",
        details="The shared conversation you're trying to access doesn't exist or has been removed.",
        help="Please check the URL and try again.",
    )


async def create(session: AsyncSession, principal: Principal, conversation_id: str) -> ConversationShare:
    """The caller's live link for their conversation (the same one when asked again)."""
    conversation = await service.get_owned(session, principal, conversation_id)
    existing = await repository.active_share(session, conversation.id, principal.user_id)
    if existing is not None:
        return existing
    share = ConversationShare(
        token=secrets.token_urlsafe(32),
        conversation_id=conversation.id,
        user_id=principal.user_id,
        created_at=datetime.now(UTC),
        access_count=0,
    )
    session.add(share)
    await session.flush()
    return share


async def live_share(session: AsyncSession, token: str) -> tuple[ConversationShare, Conversation] | None:
    """The live share link of this token and its conversation, or None."""
    share = await repository.share_by_token(session, token)
    if share is None or share.revoked_at is not None:
        return None
    conversation = await repository.get(session, share.conversation_id)
    return None if conversation is None else (share, conversation)


async def open_shared(session: AsyncSession, principal: Principal, token: str) -> SharedConversationOut:
    """The shared conversation, read-only; each opening is counted."""
    found = await live_share(session, token)
    if found is None:
        raise _gone()
    share, conversation = found
    count = await repository.count_share_access(session, share.id)
    owner = await users_repository.get(session, conversation.user_id)
    owner_name = (owner.name or owner.email) if owner is not None else ""
    details = await service.details(session, principal, conversation, user_name=owner_name, abilities=READ_ONLY)
    return SharedConversationOut(
        conversation=details, shared_by=owner_name, created_at=share.created_at.isoformat(), access_count=count
    )


async def revoke(session: AsyncSession, principal: Principal, token: str) -> None:
    """End a share link: its creator, the conversation's owner or a platform admin may."""
    found = await live_share(session, token)
    if found is None:
        raise _gone()
    share, conversation = found
    if principal.user_id not in (share.user_id, conversation.user_id) and not policy.is_platform_admin(principal):
        raise access_denied("revoke")
    share.revoked_at = datetime.now(UTC)
    await session.flush()


async def shared_file_allowed(session: AsyncSession, token: str, file_name: str) -> bool:
    """Whether a live share link covers this file (attached to one of the shared conversation's messages)."""
    found = await live_share(session, token)
    if found is None:
        return False
    return any(file_name in (m.file_names or []) for m in await repository.messages(session, found[1].id))


async def stored_file_shared(session: AsyncSession, token: str, stored: StoredFile) -> bool:
    """The files API's share check: a live link opens the files of its conversation (a file's id is the name
    a chat's `file_names` carry)."""
    return await shared_file_allowed(session, token, stored.id)
