"""/v1/conversations/{id}/export: the caller's conversation, or one answer, as a file (HTTP only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from codemill.auth.dependencies import CurrentPrincipal, Session
from codemill.conversations import export, service
from codemill.errors import NotFound
from codemill.kit.params import PathInt32

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])

_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The exported file",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
FormatQuery = Annotated[str, Query(max_length=16, description="json (default), md or docx")]


def _download(exported: export.ExportedFile) -> Response:
    disposition = f'attachment; filename="{exported.filename}"'
    return Response(exported.content, media_type=exported.media_type, headers={"Content-Disposition": disposition})


@router.get("/{conversation_id}/export", response_class=Response, responses=_FILE)
async def export_conversation(
    conversation_id: str, session: Session, principal: CurrentPrincipal, export_format: FormatQuery = "json"
) -> Response:
    """The whole conversation as JSON, Markdown or a Word document."""
    fmt = export.parse_format(export_format)
    conversation, messages = await service.with_messages(session, principal, conversation_id)
    return _download(export.conversation_file(conversation, messages, fmt))


@router.get(
    "/{conversation_id}/history/{history_index}/{message_index}/export", response_class=Response, responses=_FILE
)
async def export_answer(
    conversation_id: str,
    history_index: PathInt32,
    message_index: PathInt32,
    session: Session,
    principal: CurrentPrincipal,
    export_format: FormatQuery = "docx",
) -> Response:
    """One assistant answer (the `message_index`-th of turn `history_index`) as Markdown or a Word document."""
    fmt = export.parse_format(export_format, allow_json=False)
    conversation, messages = await service.with_messages(session, principal, conversation_id)
    answers = [m for m in messages if m.history_index == history_index and m.role == "Assistant"]
    if not 0 <= message_index < len(answers):
        raise NotFound("Message not found", details={"history_index": history_index, "message_index": message_index})
    return _download(export.answer_file(conversation, answers[message_index], fmt))
