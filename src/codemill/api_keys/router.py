"""/v1/api-keys: the caller's personal API keys (Codemill's own; CodeMie has none)."""

from __future__ import annotations

from fastapi import APIRouter, status

from codemill.api_keys import service
from codemill.api_keys.schemas import ApiKeyCreate, ApiKeyCreatedOut, ApiKeyOut
from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.errors import Unprocessable
from codemill.models.base import utcnow

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])


@router.get("", response_model=list[ApiKeyOut])
async def list_api_keys(session: Session, principal: CurrentPrincipal) -> list[ApiKeyOut]:
    """The caller's keys that are not revoked (never the keys themselves)."""
    return [ApiKeyOut.model_validate(row) for row in await service.list_own(session, principal.user_id)]


@router.post("", response_model=ApiKeyCreatedOut, status_code=status.HTTP_201_CREATED)
async def create_api_key(body: ApiKeyCreate, session: Session, principal: CurrentPrincipal) -> ApiKeyCreatedOut:
    """A new key; the response holds the key in clear, the only time it is shown."""
    if body.expires_at is not None and body.expires_at <= utcnow():
        raise Unprocessable("expires_at: must be in the future", details={"field": "expires_at"})
    row, key = await service.create(session, principal.user_id, body.name, body.expires_at)
    return ApiKeyCreatedOut.model_validate({**ApiKeyOut.model_validate(row).model_dump(), "key": key})


@router.delete("/{key_id}", response_model=ApiKeyOut)
async def revoke_api_key(key_id: str, session: Session, principal: CurrentPrincipal) -> ApiKeyOut:
    """Revoke a key: requests made with it are refused (401) from now on."""
    return ApiKeyOut.model_validate(await service.revoke(session, principal.user_id, key_id))
