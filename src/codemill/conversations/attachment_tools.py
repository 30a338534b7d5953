"""The chat's attached files as a tool: `read_attached_file` gives the model a file's text.

Offered only when the conversation (or this turn) carries files of the caller, uploaded through
/v1/files. PDF, DOCX, PPTX, XLSX, CSV and text files become text with the datasource extractors
(the same zip-bomb and size caps apply); nothing in a file is run. An image is described by the
chat's model when the catalogue marks it with the vision feature (one extra model call, with the image);
otherwise the tool says what the image is and that it has no text.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from codemill.datasources.sources.documents import DocumentError, document_text
from codemill.db.engine import reading
from codemill.files import service as files
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.provider import ChatMessage, Completion, CompletionRequest, LLMError, LLMProvider
from codemill.models import Assistant
from codemill.settings import ExtractionSettings
from codemill.tools.base import Tool, ToolContext, ToolError

TOOL_NAME = "read_attached_file"
DESCRIBE_PROMPT = "Describe this image for someone who cannot see it: what it shows, and any text in it, verbatim."
# Text handed to the model per call; the model asks for the next part with `offset`.
PART_CHARS = 40_000


def _description(attached: list[files.Attachment]) -> str:
    listed = "; ".join(f"'{a.name}' ({a.mime_type}, {len(a.content)} bytes)" for a in attached)
    return (
        "Read a file the user attached to this conversation and get its text (PDF, DOCX, PPTX, XLSX, CSV, "
        f"text; spreadsheets come as 'column: value' lines). Attached: {listed}."
    )


@dataclass(slots=True)
class AttachedFileReader:
    """The tool, bound to the files the chat carries when it starts."""

    attached: list[files.Attachment]
    limits: ExtractionSettings
    name: str = TOOL_NAME
    label: str = "Read attached file"
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.description = _description(self.attached)
        self.parameters = {
            "type": "object",
            "properties": {
                "file_name": {
                    "type": "string",
                    "enum": [a.name for a in self.attached],
                    "description": "The attached file's name",
                },
                "offset": {"type": "integer", "minimum": 0, "description": "Start at this character (default 0)"},
            },
            "required": ["file_name"],
        }

    def _pick(self, name: str) -> files.Attachment:
        found = [a for a in self.attached if name.strip() in (a.name, a.id)]
        if not found:
            # A sentence naming exactly one attached file ("what does notes.txt say?") names that file.
            named = {a.name: a for a in self.attached if a.name.lower() in name.lower()}
            found = list(named.values()) if len(named) == 1 else []
        if not found:
            listed = ", ".join(a.name for a in self.attached)
            raise ToolError(f"The argument 'file_name' must name an attached file: {listed}.")
        return found[-1]  # a name uploaded twice: the latest upload

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """The file's text from `offset`, at most PART_CHARS characters."""
        chosen = self._pick(str(args.get("file_name") or ""))
        try:
            offset = max(0, int(args.get("offset") or 0))
        except (TypeError, ValueError):
            raise ToolError("The argument 'offset' must be a whole number.") from None
        if chosen.mime_type.startswith("image/"):
            vision = ctx.extra.get("vision")
            if vision is None:
                return (
                    f"'{chosen.name}' is an image ({chosen.mime_type}, {len(chosen.content)} bytes); "
                    "this chat's model cannot see images, so it cannot be described."
                )
            return f"Image '{chosen.name}', as the model sees it:\n{await _describe(vision, chosen)}"
        try:
            text = await asyncio.to_thread(document_text, chosen.name, chosen.content, self.limits)
        except DocumentError as exc:
            raise ToolError(f"The file cannot be read: {exc}") from exc
        part = text[offset : offset + PART_CHARS]
        header = f"File '{chosen.name}', characters {offset}-{offset + len(part)} of {len(text)}:\n"
        more = f"\n[more: call again with offset {offset + len(part)}]" if offset + len(part) < len(text) else ""
        return header + part + more


async def _describe(vision: tuple[LLMProvider, CatalogueModel], image: files.Attachment) -> str:
    """One call of the chat's vision model with the image."""
    provider, model = vision
    message = ChatMessage("user", DESCRIBE_PROMPT, images=((image.mime_type, image.content),))
    try:
        async for event in provider.stream(CompletionRequest(model=model, messages=[message])):
            if isinstance(event, Completion):
                return event.text
    except LLMError as exc:
        raise ToolError(f"The image could not be described: {exc.message}") from exc
    raise ToolError("The image could not be described: the model gave no answer.")


async def attachment_tools(assistant: Assistant, ctx: ToolContext) -> list[Tool]:
    """The reader tool when the chat carries the caller's files; nothing otherwise."""
    turn_files = [str(n) for n in ctx.extra.get("file_names") or []]
    # A chat turn's probe says whether the conversation's messages carry files (others: look).
    conversation = ctx.conversation_id if ctx.extra.get("conversation_has_files", True) else None
    if not turn_files and conversation is None:
        return []
    async with reading(ctx.sessions) as session:
        attached = await files.attachments(session, ctx.principal, conversation, turn_files)
    if not attached:
        return []
    settings = ctx.settings
    limits = settings.extraction if settings is not None else ExtractionSettings()
    return [AttachedFileReader(attached, limits)]
