"""OpenAI-compatible chat completions (OpenAI, Azure OpenAI, LiteLLM, vLLM, Ollama) through the `openai` library.

Retries with exponential backoff on 429/5xx (honouring Retry-After) are the library's; timeouts are per
request. Upstream calls always stream, so closing our iterator closes the upstream connection.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import openai

from codemill.llm.provider import (
    ChatMessage,
    Completion,
    CompletionRequest,
    LLMError,
    ProviderEvent,
    TextDelta,
    ToolCall,
    Usage,
)
from codemill.llm.tokens import count_message_tokens, count_tokens

log = logging.getLogger("codemill.llm")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where and how to reach a provider."""

    base_url: str
    api_key: str | None = None
    azure: bool = False
    api_version: str | None = None
    timeout_seconds: float = 120.0
    max_retries: int = 3


class OpenAICompatibleProvider:
    """A provider speaking the OpenAI chat-completions protocol."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.name = "azure_openai" if endpoint.azure else "openai"
        # Local servers (vLLM, Ollama) accept any key; the library insists on one.
        key = endpoint.api_key or "not-needed"
        self.client: openai.AsyncOpenAI
        if endpoint.azure:
            self.client = openai.AsyncAzureOpenAI(
                azure_endpoint=endpoint.base_url,
                api_version=endpoint.api_version or "2024-10-21",
                api_key=key,
                timeout=endpoint.timeout_seconds,
                max_retries=endpoint.max_retries,
            )
        else:
            self.client = openai.AsyncOpenAI(
                base_url=endpoint.base_url,
                api_key=key,
                timeout=endpoint.timeout_seconds,
                max_retries=endpoint.max_retries,
            )

    async def close(self) -> None:
        """Close the connection pool."""
        await self.client.close()

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[ProviderEvent, None]:
        """Stream one completion from the upstream server."""
        model = request.model
        params: dict[str, Any] = {
            "model": model.deployment_name or model.base_name,
            "messages": [to_openai_message(m) for m in request.messages],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.tools and model.features.tools:
            params["tools"] = [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
                }
                for t in request.tools
            ]
        if model.features.temperature:
            if request.temperature is not None:
                params["temperature"] = request.temperature
            if request.top_p is not None:
                params["top_p"] = request.top_p
        if request.max_tokens is not None and model.features.max_tokens:
            params["max_tokens"] = request.max_tokens
        try:
            upstream = await self.client.chat.completions.create(**params)
        except openai.APIError as exc:
            raise as_llm_error(exc) from exc
        text: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        usage: Usage | None = None
        finish_reason: str | None = None
        try:
            async for chunk in upstream:
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                for choice in chunk.choices:
                    finish_reason = choice.finish_reason or finish_reason
                    delta = choice.delta
                    if delta is None:
                        continue
                    if delta.content:
                        text.append(delta.content)
                        yield TextDelta(delta.content)
                    for piece in delta.tool_calls or []:
                        slot = calls.setdefault(piece.index, {"id": "", "name": "", "arguments": ""})
                        if piece.id:
                            slot["id"] = piece.id
                        if piece.function is not None:
                            slot["name"] += piece.function.name or ""
                            slot["arguments"] += piece.function.arguments or ""
        except openai.APIError as exc:
            raise as_llm_error(exc) from exc
        finally:
            # Also on cancellation (the user went away): closing the stream ends the upstream request.
            await upstream.close()
        answer = "".join(text)
        tool_calls = [
            ToolCall(id=slot["id"] or f"call_{index}", name=slot["name"], arguments=slot["arguments"] or "{}")
            for index, slot in sorted(calls.items())
        ]
        if usage is None:
            out = count_tokens(answer) + sum(count_tokens(c.arguments) for c in tool_calls)
            usage = Usage(count_message_tokens(request.messages), out, estimated=True)
        yield Completion(text=answer, tool_calls=tool_calls, usage=usage, finish_reason=finish_reason)


def to_openai_message(message: ChatMessage) -> dict[str, Any]:
    """A message in the protocol's shape."""
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id or "", "content": message.content}
    if message.role == "assistant" and message.tool_calls:
        return {
            "role": "assistant",
            "content": message.content or None,
            "tool_calls": [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in message.tool_calls
            ],
        }
    if message.images:
        parts: list[dict[str, Any]] = [{"type": "text", "text": message.content}]
        for mime_type, data in message.images:
            url = f"data:{mime_type};base64,{base64.b64encode(data).decode()}"
            parts.append({"type": "image_url", "image_url": {"url": url}})
        return {"role": message.role, "content": parts}
    return {"role": message.role, "content": message.content}


def as_llm_error(exc: openai.APIError) -> LLMError:
    """A provider error in words a user understands, with CodeMie's LLM error codes."""
    if isinstance(exc, openai.APITimeoutError):
        return LLMError("The model provider did not answer in time", code="llm_unavailable")
    if isinstance(exc, openai.APIConnectionError):
        return LLMError("The model provider cannot be reached", code="llm_unavailable")
    status = getattr(exc, "status_code", None)
    detail = _detail(exc)
    log.warning("llm provider error", extra={"status": status, "detail": detail[:500]})
    if isinstance(exc, openai.RateLimitError):
        return LLMError(
            "The model provider is rate limiting requests; try again shortly", code="llm_rate_limited", status=429
        )
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return LLMError(
            "The model provider refused the configured credentials", code="llm_invalid_request", status=status
        )
    if isinstance(exc, openai.NotFoundError):
        return LLMError(
            "The model provider does not know this model or deployment", code="llm_invalid_request", status=404
        )
    if isinstance(exc, openai.BadRequestError):
        code = "llm_context_length" if "context" in detail.lower() else "llm_invalid_request"
        return LLMError(f"The model provider rejected the request: {detail[:300]}", code=code, status=400)
    return LLMError(f"The model provider failed ({status or 'error'})", code="llm_unavailable", status=status)


def _detail(exc: openai.APIError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error")
        message = inner.get("message") if isinstance(inner, dict) else body.get("message")
        if message:
            return str(message)
    return str(exc.message)
