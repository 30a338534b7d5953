"""The LLM provider port: one small streaming contract every backend (OpenAI-compatible, mock) speaks."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from codemill.llm.catalogue import CatalogueModel

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A call the model asks for; `arguments` is the JSON text the model produced."""

    id: str
    name: str
    arguments: str


@dataclass(slots=True)
class ChatMessage:
    """One message of the conversation sent to the model."""

    role: Role
    content: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None
    # Images sent with a user message, as (MIME type, bytes), to models with the vision feature.
    images: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool offered to the model: its name, what it does and its JSON-schema parameters."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(slots=True)
class CompletionRequest:
    """One model call."""

    model: CatalogueModel
    messages: list[ChatMessage]
    tools: list[ToolSpec] = field(default_factory=list)
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens a call consumed; `estimated` when counted locally rather than reported by the provider."""

    input_tokens: int
    output_tokens: int
    estimated: bool = False


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the answer as it streams."""

    text: str


@dataclass(frozen=True, slots=True)
class Completion:
    """The end of a call: the whole text, the tool calls asked for, and the usage."""

    text: str
    tool_calls: list[ToolCall]
    usage: Usage
    finish_reason: str | None = None


ProviderEvent = TextDelta | Completion


class LLMError(Exception):
    """A provider failure the user should be told about (after retries)."""

    def __init__(self, message: str, *, code: str = "llm_unavailable", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class LLMProvider(Protocol):
    """Streams one completion: zero or more TextDelta, then exactly one Completion.

    Cancelling the consumer (closing the iterator) must cancel the upstream call.
    """

    name: str

    def stream(self, request: CompletionRequest) -> AsyncGenerator[ProviderEvent, None]:
        """The events of one model call."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


async def complete(provider: LLMProvider, request: CompletionRequest) -> Completion:
    """Run a call to its end and return the Completion (for callers that do not stream)."""
    completion: Completion | None = None
    async for event in provider.stream(request):
        if isinstance(event, Completion):
            completion = event
    if completion is not None:
        return completion
    raise LLMError("The model ended its answer without completing it", code="llm_unavailable")
