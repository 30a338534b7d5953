"""POST /v1/chat/completions and GET /v1/models: OpenAI's protocol over assistants (Codemill's own routes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import Response, StreamingResponse

from codemill.auth.dependencies import CurrentPrincipal
from codemill.conversations.dependencies import ChatResourcesDep
from codemill.openai_api import service
from codemill.openai_api.schemas import ChatCompletionCreate, ChatCompletionOut, ModelListOut

router = APIRouter(prefix="/v1", tags=["openai"])


@router.get("/models", response_model=ModelListOut)
async def list_models(resources: ChatResourcesDep, principal: CurrentPrincipal) -> ModelListOut:
    """The assistants the caller may use, as models."""
    return await service.models(resources, principal)


@router.post("/chat/completions", response_model=ChatCompletionOut)
async def create_chat_completion(
    body: ChatCompletionCreate,
    resources: ChatResourcesDep,
    principal: CurrentPrincipal,
    x_conversation_id: Annotated[str | None, Header()] = None,
) -> Response | ChatCompletionOut:
    """One turn with the assistant named by `model`; `conversation_id` (body or X-Conversation-Id) keeps it."""
    conversation_id = body.conversation_id or service.header_conversation_id(x_conversation_id)
    if body.stream:
        events = await service.stream(resources, principal, body, conversation_id)
        return StreamingResponse(
            events,
            media_type="text/event-stream",
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        )
    return await service.complete(resources, principal, body, conversation_id)
