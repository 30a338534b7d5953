"""OpenAI-compatible chat completions (OpenAI, Azure OpenAI, LiteLLM, vLLM, Ollama) over a thin streaming client.

One pooled aiohttp session per endpoint (its C HTTP parser costs a third of httpx's CPU per streamed
answer); the upstream's SSE bytes are split into `data:` lines and each is parsed straight into a dict
(no object per chunk). Retries with exponential backoff on
408/409/429/5xx and on connection failures (honouring Retry-After), before any of the answer streams;
timeouts are per request. Upstream calls always stream, so closing our iterator closes the upstream
connection.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import random
import urllib.parse
import urllib.request
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx
import orjson

from codemill.kit.outbound import OutboundClient, OutboundRefused, Target
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

RETRIED_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
AZURE_DEFAULT_API_VERSION = "2024-10-21"
# Backoff between retries: 0.5 s doubling up to 8 s (with jitter), unless the upstream says how long.
BACKOFF_START, BACKOFF_MAX, RETRY_AFTER_MAX = 0.5, 8.0, 60.0


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where and how to reach a provider."""

    base_url: str
    api_key: str | None = None
    azure: bool = False
    api_version: str | None = None
    timeout_seconds: float = 120.0
    max_retries: int = 3
    # The address came from a user's LLM integration: every request goes through the SSRF guard (the host
    # is resolved and checked, and the connection made to the checked address).
    guarded: bool = False


class _UpstreamFailed(Exception):
    """An error answer from the upstream (status and body), before any of the answer streamed."""

    def __init__(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers


class OpenAICompatibleProvider:
    """A provider speaking the OpenAI chat-completions protocol."""

    def __init__(self, endpoint: Endpoint, outbound: OutboundClient | None = None) -> None:
        if endpoint.guarded and outbound is None:
            raise ValueError("a guarded endpoint needs the outbound guard")
        self.endpoint = endpoint
        self._outbound = outbound if endpoint.guarded else None
        self.name = "azure_openai" if endpoint.azure else "openai"
        # Local servers (vLLM, Ollama) accept any key; send one anyway, as the openai library does.
        key = endpoint.api_key or "not-needed"
        self._headers = {"content-type": "application/json", "accept": "text/event-stream"}
        self._headers.update({"api-key": key} if endpoint.azure else {"authorization": f"Bearer {key}"})
        self._base = endpoint.base_url.rstrip("/")
        # Per request: connecting, then each read, within the endpoint's timeout (no cap on the whole answer).
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=min(endpoint.timeout_seconds, 10.0), sock_read=endpoint.timeout_seconds
        )
        self._session: aiohttp.ClientSession | None = None
        # The environment's proxy for this endpoint, found once (aiohttp's trust_env looks it up, and reads
        # ~/.netrc, in a thread on every request). A guarded endpoint never goes through a proxy: it would
        # connect by name, unchecked.
        self._proxy = None if endpoint.guarded else env_proxy(endpoint.base_url)

    def _client(self) -> aiohttp.ClientSession:
        """The endpoint's session, made on first use (inside the running event loop)."""
        if self._session is None or self._session.closed:
            # No cap on connections: the chat turns in flight are bounded elsewhere; a cap would queue streams.
            connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=30.0)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout, trust_env=False)
        return self._session

    async def close(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _url(self, model_name: str) -> tuple[str, dict[str, str]]:
        if self.endpoint.azure:
            version = self.endpoint.api_version or AZURE_DEFAULT_API_VERSION
            return f"{self._base}/openai/deployments/{model_name}/chat/completions", {"api-version": version}
        return f"{self._base}/chat/completions", {}

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[ProviderEvent, None]:
        """Stream one completion from the upstream server."""
        model = request.model
        name = model.deployment_name or model.base_name
        url, query = self._url(name)
        headers: dict[str, str] = self._headers
        tls_name: str | None = None
        if self._outbound is not None:
            url, headers, tls_name = await self._pinned(url)
        content = orjson.dumps(request_body(request, name))
        text: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        usage: Usage | None = None
        finish_reason: str | None = None
        attempt = 0
        while True:
            try:
                async with self._client().post(
                    url,
                    params=query,
                    data=content,
                    headers=headers,
                    allow_redirects=False,
                    server_hostname=tls_name,
                    proxy=self._proxy,
                ) as response:
                    if response.status >= 400:
                        raise _UpstreamFailed(response.status, await response.read(), response.headers)
                    # Also on cancellation (the user went away): leaving this block closes the upstream request.
                    async for data in sse_data(response.content.iter_any()):
                        if data == b"[DONE]":  # read on to the body's end: the connection then goes back to the pool
                            continue
                        chunk = orjson.loads(data)
                        if not isinstance(chunk, dict):
                            continue
                        if chunk.get("error"):
                            raise LLMError(
                                f"The model provider failed mid-answer: {_message(chunk)[:300]}", code="llm_unavailable"
                            )
                        reported = chunk.get("usage")
                        if reported:
                            usage = Usage(reported.get("prompt_tokens") or 0, reported.get("completion_tokens") or 0)
                        for choice in chunk.get("choices") or ():
                            finish_reason = choice.get("finish_reason") or finish_reason
                            delta = choice.get("delta")
                            if not delta:
                                continue
                            piece_text = delta.get("content")
                            if piece_text:
                                text.append(piece_text)
                                yield TextDelta(piece_text)
                            for piece in delta.get("tool_calls") or ():
                                _add_tool_call(calls, piece)
                break
            except _UpstreamFailed as failed:
                if text or attempt >= self.endpoint.max_retries or failed.status not in RETRIED_STATUSES:
                    raise status_error(failed.status, failed.body) from None
                await asyncio.sleep(_backoff(attempt, failed.headers))
            except TimeoutError:
                if text or attempt >= self.endpoint.max_retries:
                    raise LLMError("The model provider did not answer in time", code="llm_unavailable") from None
                await asyncio.sleep(_backoff(attempt, None))
            except (aiohttp.ClientError, orjson.JSONDecodeError) as exc:
                if text or attempt >= self.endpoint.max_retries:
                    log.warning("llm provider unreachable", extra={"error": type(exc).__name__})
                    raise LLMError("The model provider cannot be reached", code="llm_unavailable") from None
                await asyncio.sleep(_backoff(attempt, None))
            attempt += 1
        answer = "".join(text)
        tool_calls = [
            ToolCall(id=slot["id"] or f"call_{index}", name=slot["name"], arguments=slot["arguments"] or "{}")
            for index, slot in sorted(calls.items())
        ]
        if usage is None:
            out = count_tokens(answer) + sum(count_tokens(c.arguments) for c in tool_calls)
            usage = Usage(count_message_tokens(request.messages), out, estimated=True)
        yield Completion(text=answer, tool_calls=tool_calls, usage=usage, finish_reason=finish_reason)

    async def _pinned(self, url: str) -> tuple[str, dict[str, str], str | None]:
        """The URL to the checked address of `url`'s host, its Host header and TLS name (DNS rebinding cannot
        slip a private address in between the check and the connection)."""
        assert self._outbound is not None
        try:
            target: Target = await self._outbound.check(url)
        except OutboundRefused as exc:
            raise LLMError(f"The LLM integration's address is not allowed: {exc}", code="llm_unavailable") from None
        except OSError as exc:  # the name does not resolve
            raise LLMError(f"The LLM integration's host cannot be resolved: {exc}", code="llm_unavailable") from None
        original = httpx.URL(url)
        pinned = original.copy_with(host=target.addresses[0])
        headers = {**self._headers, "host": original.netloc.decode("ascii")}
        return str(pinned), headers, (target.host if target.scheme == "https" else None)


def env_proxy(url: str) -> str | None:
    """The proxy the environment names for `url` (HTTP(S)_PROXY, ALL_PROXY), unless NO_PROXY exempts its host."""
    parts = urllib.parse.urlsplit(url)
    proxies = urllib.request.getproxies()
    if not parts.hostname or urllib.request.proxy_bypass(parts.hostname):
        return None
    return proxies.get(parts.scheme) or proxies.get("all") or None


async def sse_data(blocks: AsyncIterator[bytes]) -> AsyncGenerator[bytes, None]:
    """The `data:` payloads of a server-sent-events body (one per event; multi-line data joined by newlines)."""
    buffer = b""
    pending: list[bytes] = []
    async for block in blocks:
        buffer += block
        if b"\n" not in block:
            continue
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.rstrip(b"\r")
            if not line:  # the blank line ending an event
                if pending:
                    yield b"\n".join(pending)
                    pending = []
            elif line.startswith(b"data:"):
                pending.append(line[6:] if line[5:6] == b" " else line[5:])
    line = buffer.rstrip(b"\r")
    if line.startswith(b"data:"):
        pending.append(line[6:] if line[5:6] == b" " else line[5:])
    if pending:
        yield b"\n".join(pending)


def request_body(request: CompletionRequest, model_name: str) -> dict[str, Any]:
    """The chat-completions request body."""
    model = request.model
    body: dict[str, Any] = {
        "model": model_name,
        "messages": [to_openai_message(m) for m in request.messages],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if request.tools and model.features.tools:
        body["tools"] = [
            {"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}
            for t in request.tools
        ]
    if model.features.temperature:
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.top_p is not None:
            body["top_p"] = request.top_p
    if request.max_tokens is not None and model.features.max_tokens:
        body["max_tokens"] = request.max_tokens
    return body


def _add_tool_call(calls: dict[int, dict[str, str]], piece: dict[str, Any]) -> None:
    slot = calls.setdefault(int(piece.get("index") or 0), {"id": "", "name": "", "arguments": ""})
    if piece.get("id"):
        slot["id"] = piece["id"]
    function = piece.get("function")
    if function:
        slot["name"] += function.get("name") or ""
        slot["arguments"] += function.get("arguments") or ""


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


def _backoff(attempt: int, headers: Mapping[str, str] | None) -> float:
    """Seconds to wait before the next attempt: the upstream's Retry-After(-ms) when sane, else exponential."""
    if headers is not None:
        for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
            value = headers.get(name)
            try:
                wait = float(value) * scale if value is not None else None
            except ValueError:
                wait = None
            if wait is not None and 0 <= wait <= RETRY_AFTER_MAX:
                return wait
    wait = min(BACKOFF_START * float(2**attempt), BACKOFF_MAX)
    return wait * (1 - 0.25 * random.random())  # noqa: S311 - jitter, not a secret


def status_error(status: int, body: bytes) -> LLMError:
    """A provider error answer in words a user understands, with CodeMie's LLM error codes."""
    detail = _detail(body)
    log.warning("llm provider error", extra={"status": status, "detail": detail[:500]})
    if status == 429:
        return LLMError(
            "The model provider is rate limiting requests; try again shortly", code="llm_rate_limited", status=429
        )
    if status in (401, 403):
        return LLMError(
            "The model provider refused the configured credentials", code="llm_invalid_request", status=status
        )
    if status == 404:
        return LLMError(
            "The model provider does not know this model or deployment", code="llm_invalid_request", status=404
        )
    if status in (400, 422):
        code = "llm_context_length" if "context" in detail.lower() else "llm_invalid_request"
        return LLMError(f"The model provider rejected the request: {detail[:300]}", code=code, status=400)
    return LLMError(f"The model provider failed ({status})", code="llm_unavailable", status=status)


def _detail(body: bytes) -> str:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body.decode("utf-8", "replace").strip() or "no details"
    return _message(parsed) if isinstance(parsed, dict) else str(parsed)


def _message(parsed: dict[str, Any]) -> str:
    inner = parsed.get("error")
    message = inner.get("message") if isinstance(inner, dict) else parsed.get("message")
    return str(message or inner or parsed)
