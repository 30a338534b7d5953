"""A conversation (or one answer) as a file: JSON as CodeMie exports it, Markdown, or a Word document.

CodeMie renders PDF/DOCX/PPTX through Pandoc; Codemill writes DOCX itself (python-docx) and offers
Markdown instead of PDF, so no external converter is needed.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from codemill.conversations import views
from codemill.errors import BadRequest
from codemill.models import Conversation, ConversationMessage


class ExportFormat(StrEnum):
    """What a conversation can be exported as."""

    JSON = "json"
    MARKDOWN = "md"
    DOCX = "docx"


_ALIASES = {"markdown": ExportFormat.MARKDOWN}
_MEDIA = {
    ExportFormat.JSON: "application/json",
    ExportFormat.MARKDOWN: "text/markdown; charset=utf-8",
    ExportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class ExportedFile:
    """The file to send."""

    content: bytes
    media_type: str
    filename: str


def parse_format(value: str, *, allow_json: bool = True) -> ExportFormat:
    """The format asked for (400 naming the accepted ones otherwise)."""
    chosen = _ALIASES.get(value.lower()) or next((f for f in ExportFormat if f.value == value.lower()), None)
    if chosen is None or (chosen is ExportFormat.JSON and not allow_json):
        accepted = [f.value for f in ExportFormat if allow_json or f is not ExportFormat.JSON]
        raise BadRequest(
            f"Unsupported export format: {value}",
            details={"export_format": value, "accepted": accepted},
            help="PDF and PPTX are not produced by Codemill; export as docx or md.",
        )
    return chosen


def _title(conversation: Conversation) -> str:
    return conversation.name or f"Conversation {conversation.id}"


def _filename(conversation: Conversation, fmt: ExportFormat, suffix: str = "") -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", _title(conversation)).strip("_")[:80] or "conversation"
    return f"{stem}{suffix}.{fmt.value}"


def _markdown(conversation: Conversation, messages: Sequence[ConversationMessage]) -> str:
    lines = [f"# {_title(conversation)}", ""]
    for message in messages:
        lines += [f"## {message.role} ({message.created_at:%Y-%m-%d %H:%M} UTC)", "", message.message or "", ""]
    return "\n".join(lines)


def _docx(title: str, messages: Sequence[ConversationMessage]) -> bytes:
    from docx import Document  # first use: ~5 MB most processes never need

    document = Document()
    document.add_heading(title, level=1)
    for message in messages:
        document.add_heading(f"{message.role} ({message.created_at:%Y-%m-%d %H:%M} UTC)", level=2)
        in_code = False
        for line in (message.message or "").splitlines():
            if line.strip().startswith("```"):
                in_code = not in_code
                continue
            paragraph = document.add_paragraph()
            run = paragraph.add_run(line)
            if in_code:
                run.font.name = "Courier New"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def conversation_file(
    conversation: Conversation, messages: Sequence[ConversationMessage], fmt: ExportFormat
) -> ExportedFile:
    """The whole conversation in `fmt`."""
    if fmt is ExportFormat.JSON:
        body = {
            "id": conversation.id,
            "name": conversation.name,
            "assistants": list(conversation.assistant_ids or []),
            "date": conversation.created_at.isoformat(),
            "update_date": conversation.updated_at.isoformat(),
            "history": [views.history_item(m).model_dump(mode="json", by_alias=True) for m in messages],
        }
        content = json.dumps(body, ensure_ascii=False, indent=2).encode()
    elif fmt is ExportFormat.MARKDOWN:
        content = _markdown(conversation, messages).encode()
    else:
        content = _docx(_title(conversation), messages)
    return ExportedFile(content, _MEDIA[fmt], _filename(conversation, fmt))


def answer_file(conversation: Conversation, answer: ConversationMessage, fmt: ExportFormat) -> ExportedFile:
    """One assistant answer in `fmt` (md or docx)."""
    suffix = f"_{answer.history_index}"
    if fmt is ExportFormat.MARKDOWN:
        content = (answer.message or "").encode()
    else:
        content = _docx(_title(conversation), [answer])
    return ExportedFile(content, _MEDIA[fmt], _filename(conversation, fmt, suffix))
