"""OpenAI chat completions run as chat turns with an assistant (the same path as CodeMie's chat).

The last message is the question (it must be the user's); earlier user and assistant messages are the
history. System messages are not used: the assistant's own system prompt applies. Without a
`conversation_id` nothing is kept but the usage; with one the turn is stored in that conversation.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson

from codemill.assistants import service as assistants
from codemill.assistants.filters import ListFilters
from codemill.assistants.repository import Page
from codemill.auth.principal import Principal
from codemill.conversations import turn
from codemill.conversations.dependencies import StreamingChatResources
from codemill.conversations.schemas import CONVERSATION_ID, ChatRequest
from codemill.db.engine import reading
from codemill.errors import NotFound, Unprocessable, UpstreamError
from codemill.models import Assistant
from codemill.openai_api.schemas import (
    ChatCompletionCreate,
    ChatCompletionOut,
    CompletionChoice,
    CompletionMessageOut,
    CompletionUsage,
    ModelListOut,
    ModelOut,
)

MODELS_LIMIT = 1000
_CONVERSATION_ID = re.compile(CONVERSATION_ID)


def header_conversation_id(value: str | None) -> str | None:
    """The X-Conversation-Id header, checked as the body field is (422 naming it otherwise)."""
    if not value:
        return None
    if not _CONVERSATION_ID.match(value):
        raise Unprocessable(
            "X-Conversation-Id: 1-64 characters of letters, digits, '_', '.', ':' or '-'",
            details={"field": "X-Conversation-Id"},
        )
    return value


DONE = b"data: [DONE]\n\n"


async def models(resources: StreamingChatResources, principal: Principal) -> ModelListOut:
    """Every assistant the caller may chat with, as a model (marketplace ones included)."""
    async with resources.sessions() as session:
        found, _ = await assistants.list_assistants(
            session, principal, assistants.Scope.ALL, ListFilters(), Page(0, MODELS_LIMIT, "name", descending=False)
        )
    return ModelListOut(data=[_model(a) for a in found])


def _model(assistant: Assistant) -> ModelOut:
    return ModelOut(
        id=assistant.id,
        created=int(assistant.created_at.timestamp()),
        owned_by=assistant.project,
        name=assistant.name,
        slug=assistant.slug,
    )


async def assistant_for(resources: StreamingChatResources, principal: Principal, model: str) -> Assistant:
    """The assistant a `model` names (id first, then slug), if the caller may use it; 404 otherwise."""
    async with reading(resources.sessions) as session:
        try:
            return await assistants.get_visible(session, principal, model)
        except NotFound:
            try:
                return await assistants.get_visible_by_slug(session, principal, model)
            except NotFound:
                raise NotFound(
                    f"model: no assistant '{model}' is available to you",
                    details={"field": "model"},
                    help="GET /v1/models lists the assistants you may use.",
                ) from None


def chat_request(body: ChatCompletionCreate, conversation_id: str | None) -> ChatRequest:
    """The CodeMie chat request for a completion request."""
    *earlier, last = body.messages
    if last.role != "user" or not last.text().strip():
        raise Unprocessable(
            "messages: the last message must be a non-empty user message",
            details={"field": "messages"},
            help="The last user message is the question; earlier messages are the history.",
        )
    history = [
        {"role": "User" if m.role == "user" else "Assistant", "message": m.text()}
        for m in earlier
        if m.role in ("user", "assistant")
    ]
    return ChatRequest.model_validate(
        {
            "conversation_id": conversation_id,
            "text": last.text(),
            "history": history,
            "stream": body.stream,
            "save_history": conversation_id is not None,
        }
    )


def _usage(final: dict[str, Any]) -> CompletionUsage:
    prompt, completion = int(final["debug"]["input_tokens"]), int(final["debug"]["output_tokens"])
    return CompletionUsage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


async def complete(
    resources: StreamingChatResources, principal: Principal, body: ChatCompletionCreate, conversation_id: str | None
) -> ChatCompletionOut:
    """A non-streamed completion; a failed turn is a 502 with the agent's error."""
    assistant = await assistant_for(resources, principal, body.model)
    prepared = await turn.prepare(resources, principal, assistant.id, chat_request(body, conversation_id))
    final = await turn.execute(prepared, lambda _record: None)
    await turn.store(prepared, final)
    if not final["success"]:
        error = final["agent_error"] or {}
        raise UpstreamError(str(error.get("message", "The assistant failed.")), details=error)
    return ChatCompletionOut(
        id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        model=body.model,
        choices=[CompletionChoice(message=CompletionMessageOut(content=final["generated"]))],
        usage=_usage(final),
        conversation_id=conversation_id,
    )


async def stream(
    resources: StreamingChatResources, principal: Principal, body: ChatCompletionCreate, conversation_id: str | None
) -> AsyncIterator[bytes]:
    """A streamed completion: OpenAI's `chat.completion.chunk` events as SSE, ending with `data: [DONE]`.

    Everything that can be refused is checked before the first byte (so refusals are plain 4xx responses).
    """
    assistant = await assistant_for(resources, principal, body.model)
    prepared = await turn.prepare(resources, principal, assistant.id, chat_request(body, conversation_id))
    include_usage = body.stream_options is not None and body.stream_options.include_usage
    return turn.stream(prepared, resources.chat_tasks, _chunk_encoder(body.model, conversation_id, include_usage))


def _chunk_encoder(model: str, conversation_id: str | None, include_usage: bool) -> Callable[[dict[str, Any]], bytes]:
    """Chat records (see conversations.turn) as SSE chunks; thoughts are not sent."""
    base: dict[str, Any] = {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }
    if conversation_id is not None:
        base["conversation_id"] = conversation_id
    started = False

    def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
        return b"data: " + orjson.dumps({**base, "choices": choices, **extra}) + b"\n\n"

    def encode(record: dict[str, Any]) -> bytes:
        nonlocal started
        if record["last"]:
            out = b"" if started else event([{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}])
            reason = "stop" if record["success"] else "error"
            out += event([{"index": 0, "delta": {}, "finish_reason": reason}])
            if include_usage:
                out += event([], usage=_usage(record).model_dump())
            return out + DONE
        text = record["generated_chunk"]
        if not text:
            return b""
        delta = {"content": text} if started else {"role": "assistant", "content": text}
        started = True
        return event([{"index": 0, "delta": delta, "finish_reason": None}])

    return encode
