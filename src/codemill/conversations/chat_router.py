"""POST /v1/assistants/{assistant_id}/model: chat with an assistant, streamed (NDJSON) or not."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response, StreamingResponse

from codemill.agent.records import NDJSON
from codemill.assistants import service as assistants
from codemill.auth.dependencies import CurrentPrincipal
from codemill.auth.principal import Principal
from codemill.conversations import accounting, turn
from codemill.conversations.dependencies import ChatResourcesDep, StreamingChatResources
from codemill.conversations.schemas import CHAT_ANSWER, ChatRequest

router = APIRouter(prefix="/v1", tags=["chat"])


async def _answer(
    resources: StreamingChatResources, principal: Principal, assistant_id: str, body: ChatRequest
) -> Response:
    prepared = await turn.prepare(resources, principal, assistant_id, body)  # budgets: 402, or warnings
    if body.stream:
        return StreamingResponse(
            accounting.observed(prepared, turn.stream(prepared, resources.chat_tasks)),
            media_type=NDJSON,
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        )
    final = await turn.execute(prepared, lambda _record: None)
    await turn.store(prepared, final)
    await accounting.finished(prepared)
    return JSONResponse(accounting.annotate(prepared, turn.response(prepared, final)))


@router.post("/assistants/{assistant_id}/model", response_model=None, responses=CHAT_ANSWER)
async def chat_with_assistant(
    assistant_id: str, body: ChatRequest, resources: ChatResourcesDep, principal: CurrentPrincipal
) -> Response:
    """One chat turn; `conversation_id` continues a conversation (a new id starts one)."""
    return await _answer(resources, principal, assistant_id, body)


@router.post("/assistants/slug/{slug:path}/model", response_model=None, responses=CHAT_ANSWER)
async def chat_with_assistant_by_slug(
    slug: str, body: ChatRequest, resources: ChatResourcesDep, principal: CurrentPrincipal
) -> Response:
    """The same, naming the assistant by its slug."""
    async with resources.sessions() as session:
        assistant = await assistants.get_visible_by_slug(session, principal, slug)
    return await _answer(resources, principal, assistant.id, body)
