"""/v1/a2a/assistants/{id}: an assistant's A2A agent card and its JSON-RPC endpoint.

Both need the caller to be able to use the assistant (another user's private one is a 404). JSON-RPC
errors are answered with HTTP 200 and a JSON-RPC `error`, as the protocol has it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from codemill.a2a import cards, service
from codemill.a2a.schemas import AgentCardOut, JsonRpcResponseOut
from codemill.assistants import service as assistants
from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.conversations.dependencies import ChatResourcesDep

router = APIRouter(prefix="/v1/a2a", tags=["a2a"])


@router.get("/assistants/{assistant_id}/.well-known/agent.json", response_model=AgentCardOut, summary="A2A agent card")
async def agent_card(
    assistant_id: str, request: Request, session: Session, principal: CurrentPrincipal
) -> AgentCardOut:
    """The assistant's agent card."""
    assistant = await assistants.get_visible(session, principal, assistant_id)
    return cards.card(assistant, str(request.base_url))


@router.post("/assistants/{assistant_id}", response_model=JsonRpcResponseOut, summary="A2A JSON-RPC call")
async def json_rpc(
    assistant_id: str, request: Request, resources: ChatResourcesDep, principal: CurrentPrincipal
) -> Response:
    """One A2A JSON-RPC call: message/send, message/stream (SSE), tasks/get, tasks/cancel."""
    async with resources.sessions() as session:
        await assistants.get_visible(session, principal, assistant_id)
    request_id = None
    try:
        payload = service.load(await request.body())
        request_id = payload.get("id")
        method, params = service.method_and_params(payload)
        if method in service.STREAM:
            events = await service.stream(resources, principal, assistant_id, request_id, params)
            return StreamingResponse(events, media_type="text/event-stream", headers={"cache-control": "no-cache"})
        if method in service.SEND:
            value = await service.send(resources, principal, assistant_id, params)
        elif method == "tasks/get":
            value = await service.get_task(resources, principal, assistant_id, params)
        else:
            value = await service.cancel_task(resources, principal, assistant_id, params)
    except service.RpcFailure as failure:
        return JSONResponse(service.error(request_id, failure))
    return JSONResponse(service.result(request_id, value))
