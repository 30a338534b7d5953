"""Thoughts: one per tool call (tool, input, output, duration, error), in the shape CodeMie streams and stores."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(slots=True)
class Thought:
    """A tool call as the user sees it, streamed when it starts and again when it ends."""

    tool_name: str
    tool_call_id: str
    input_text: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    output: str = ""
    in_progress: bool = True
    error: bool = False
    error_code: str | None = None
    interrupted: bool = False
    duration_ms: float | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def status(self) -> str:
        """in_progress | completed | error | interrupted."""
        if self.interrupted:
            return "interrupted"
        if self.in_progress:
            return "in_progress"
        return "error" if self.error else "completed"

    def record(self) -> dict[str, Any]:
        """The thought as CodeMie's stream and history carry it."""
        return {
            "id": self.id,
            "parent_id": None,
            "metadata": {
                "tool_name": self.tool_name,
                "tool_call_id": self.tool_call_id,
                "status": self.status,
                "duration_ms": self.duration_ms,
                "started_at": self.started_at.isoformat(),
            },
            "in_progress": self.in_progress,
            "input_text": self.input_text,
            "message": self.output,
            "author_type": "Tool",
            "author_name": " ".join(self.tool_name.replace("_", " ").split()).title(),
            "output_format": "text",
            "error": self.error,
            "interrupted": self.interrupted,
            "aborted": False,
            "children": [],
        }

    def error_details(self) -> dict[str, Any]:
        """The failure in the SDK's ToolErrorDetails shape."""
        return {
            "tool_name": self.tool_name,
            "tool_call_id": self.tool_call_id,
            "error_code": self.error_code or "tool_execution_failed",
            "message": self.output,
            "http_status": None,
            "details": None,
            "timestamp": self.started_at.isoformat(),
        }
