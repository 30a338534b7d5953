"""/v1/assistants/{id}/users/mapping: the caller's own integrations for an assistant's tools (HTTP only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from codemill.assistants import user_mapping
from codemill.assistants.mapping_schemas import MappingIn, MappingOut
from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.kit.api_schemas import MessageOut

router = APIRouter(prefix="/v1/assistants", tags=["assistants"])

WorkflowScope = Annotated[str | None, Query(max_length=64, description="A workflow's own mapping")]


@router.get("/{assistant_id}/users/mapping", response_model=MappingOut)
async def get_mapping(
    assistant_id: str, session: Session, principal: CurrentPrincipal, workflow_id: WorkflowScope = None
) -> MappingOut:
    """The caller's mapping for the assistant (with a workflow: the one in effect there)."""
    return await user_mapping.mapping(session, principal, assistant_id, workflow_id)


@router.post("/{assistant_id}/users/mapping", response_model=MessageOut)
async def save_mapping(assistant_id: str, body: MappingIn, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Map the assistant's tool slots to the caller's integrations."""
    await user_mapping.save(session, principal, assistant_id, body)
    return MessageOut(message="Mappings created or updated successfully")


@router.delete("/{assistant_id}/users/mapping", response_model=MessageOut)
async def delete_mapping(
    assistant_id: str, session: Session, principal: CurrentPrincipal, workflow_id: WorkflowScope = None
) -> MessageOut:
    """Forget the caller's mapping for the assistant (or only a workflow's)."""
    await user_mapping.forget(session, principal, assistant_id, workflow_id)
    return MessageOut(message="Mappings deleted successfully")
