"""A typed dependency for the parts of Resources a chat turn uses (for routers beside the chat API)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Depends, Request

from codemill.conversations.checkpoints import ToolCallCheckpoints
from codemill.conversations.turn import ChatResources
from codemill.errors import Unavailable


class StreamingChatResources(ChatResources):
    """ChatResources plus the set that keeps streamed turns' tasks alive."""

    chat_tasks: set[asyncio.Task[Any]]


async def chat_resources(request: Request) -> StreamingChatResources:
    """The process's resources, as a chat turn sees them."""
    resources: StreamingChatResources = request.app.state.resources
    return resources


ChatResourcesDep = Annotated[StreamingChatResources, Depends(chat_resources)]


async def tool_call_checkpoints(request: Request) -> ToolCallCheckpoints:
    """The process's paused turns, waiting for the user to allow or deny a tool call (503 when absent)."""
    found = getattr(request.app.state.resources, "tool_call_checkpoints", None)
    if not isinstance(found, ToolCallCheckpoints):
        raise Unavailable("Tool-call approvals are not available in this process")
    return found


Checkpoints = Annotated[ToolCallCheckpoints, Depends(tool_call_checkpoints)]
