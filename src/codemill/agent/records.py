"""The chat stream's record: CodeMie's StreamedGenerationResult, one JSON object per NDJSON line.

Chats and workflow runs stream the same shape, so it lives below both.
"""

from __future__ import annotations

from typing import Any

NDJSON = "application/x-ndjson"
# Every StreamedGenerationResult field, as CodeMie serialises them (nulls included).
BASE_RECORD: dict[str, Any] = {
    "time_elapsed": None,
    "generated_chunk": None,
    "generated": None,
    "thought": None,
    "context": None,
    "last": False,
    "debug": None,
    "workflow_execution": None,
    "workflow_state": None,
    "execution_error": None,
    "success": None,
    "agent_error": None,
    "tool_errors": None,
    "tool_call_pending": None,  # set on the last record of a chat turn paused for a tool-call approval
}
