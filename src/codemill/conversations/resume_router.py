"""POST /v1/assistants/{assistant_id}/model/tool-call/resume: the user allows or denies a pending tool call."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from codemill.agent.records import NDJSON
from codemill.assistants import service as assistants
from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.conversations import turn
from codemill.conversations.checkpoints import resumed
from codemill.conversations.dependencies import ChatResourcesDep, Checkpoints
from codemill.conversations.schemas import CHAT_ANSWER
from codemill.tools.approval import ToolCallAction

router = APIRouter(prefix="/v1", tags=["chat"])


class ToolCallResumeRequest(BaseModel):
    """CodeMie's ToolCallResumeRequest."""

    model_config = ConfigDict(extra="ignore")

    conversation_id: str = Field(min_length=1)
    pending_tool_call_id: str | None = None
    action: ToolCallAction
    stream: bool = True


@router.post("/assistants/{assistant_id}/model/tool-call/resume", response_model=None, responses=CHAT_ANSWER)
async def resume_tool_call(
    assistant_id: str,
    body: ToolCallResumeRequest,
    resources: ChatResourcesDep,
    principal: CurrentPrincipal,
    session: Session,
    checkpoints: Checkpoints,
) -> Response:
    """Run the paused turn on: `allow` runs the call, `deny` tells the model the user refused it."""
    await assistants.get_visible(session, principal, assistant_id)
    checkpoint = checkpoints.take(principal.user_id, assistant_id, body.conversation_id, body.pending_tool_call_id)
    paused = resumed(checkpoint, body.action)
    if body.stream:
        return StreamingResponse(
            turn.stream(paused, resources.chat_tasks),
            media_type=NDJSON,
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        )
    final = await turn.execute(paused, lambda _record: None)
    await turn.store(paused, final)
    return JSONResponse(turn.response(paused, final))
