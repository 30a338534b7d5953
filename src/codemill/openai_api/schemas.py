"""OpenAI's chat-completions and models shapes (the fields Codemill reads and writes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from codemill.conversations.schemas import CONVERSATION_ID


class CompletionMessageIn(BaseModel):
    """One message of the request; content is text or a list of parts (text parts are read)."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """The message's text (text parts joined)."""
        if isinstance(self.content, str):
            return self.content
        if not self.content:
            return ""
        return "".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")


class StreamOptions(BaseModel):
    """stream_options: whether a final chunk carries the usage."""

    model_config = ConfigDict(extra="ignore")

    include_usage: bool = False


class ChatCompletionCreate(BaseModel):
    """POST /v1/chat/completions. `model` names an assistant (its id or slug); sampling options are the
    assistant's own. `conversation_id` (Codemill's extra field) keeps the exchange in that conversation."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(min_length=1, max_length=200)
    messages: list[CompletionMessageIn] = Field(min_length=1, max_length=1000)
    stream: bool = False
    stream_options: StreamOptions | None = None
    conversation_id: str | None = Field(default=None, pattern=CONVERSATION_ID)


class CompletionMessageOut(BaseModel):
    """The assistant's answer."""

    role: Literal["assistant"] = "assistant"
    content: str


class CompletionChoice(BaseModel):
    """The one choice Codemill returns."""

    index: int = 0
    message: CompletionMessageOut
    finish_reason: str = "stop"


class CompletionUsage(BaseModel):
    """Tokens of the whole turn (every model call of the agent loop)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletionOut(BaseModel):
    """A non-streamed completion (`chat.completion`)."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    usage: CompletionUsage
    conversation_id: str | None = None


class ModelOut(BaseModel):
    """An assistant as a model: `id` is the assistant's id (its slug is accepted as `model` too)."""

    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str
    name: str
    slug: str | None = None


class ModelListOut(BaseModel):
    """GET /v1/models."""

    object: Literal["list"] = "list"
    data: list[ModelOut]
