"""A typed dependency for the parts of Resources a chat turn uses (for routers beside the chat API)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, cast

from fastapi import Depends, Request

from codemill.conversations.turn import ChatResources


class StreamingChatResources(ChatResources):
    """ChatResources plus the set that keeps streamed turns' tasks alive."""

    chat_tasks: set[asyncio.Task[Any]]


def chat_resources(request: Request) -> StreamingChatResources:
    """The process's resources, as a chat turn sees them."""
    return cast(StreamingChatResources, request.app.state.resources)


ChatResourcesDep = Annotated[StreamingChatResources, Depends(chat_resources)]
