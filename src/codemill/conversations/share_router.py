"""/v1/share/conversations: create, open (read-only) and revoke share links (HTTP only)."""

from __future__ import annotations

from fastapi import APIRouter

from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.conversations import sharing, views
from codemill.conversations.sharing_schemas import MessageOut, ShareCreate, SharedConversationOut, ShareOut

router = APIRouter(prefix="/v1/share/conversations", tags=["share"])


@router.post("", status_code=201, response_model=ShareOut)
async def create_share(body: ShareCreate, session: Session, principal: CurrentPrincipal) -> ShareOut:
    """A read-only link to one of the caller's conversations (the live one, when it exists)."""
    return views.share(await sharing.create(session, principal, body.chat_id))


@router.get("/{token}", response_model=SharedConversationOut)
async def open_share(token: str, session: Session, principal: CurrentPrincipal) -> SharedConversationOut:
    """The shared conversation, for any signed-in user holding the token."""
    return await sharing.open_shared(session, principal, token)


@router.delete("/{token}", response_model=MessageOut)
async def revoke_share(token: str, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """End a share link (its creator, the conversation's owner, or a platform admin)."""
    await sharing.revoke(session, principal, token)
    return MessageOut(message="Share link revoked")
