"""API models for chat and conversations (CodeMie's camelCase aliases are accepted beside snake_case)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from codemill.kit.params import INT32_MAX

CONVERSATION_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"


class Lenient(BaseModel):
    """Accepts snake_case and camelCase; ignores fields Codemill does not use (the SDK sends many)."""

    model_config = ConfigDict(populate_by_name=True, alias_generator=to_camel, extra="ignore")


class HistoryMessage(Lenient):
    """A message of client-supplied history."""

    role: str
    message: str | None = ""


class ChatRequest(Lenient):
    """The SDK's AssistantChatRequest (the fields Codemill acts on)."""

    conversation_id: str = Field(default_factory=lambda: str(uuid.uuid4()), pattern=CONVERSATION_ID)
    text: str = Field(min_length=1)
    content_raw: str | None = ""
    file_names: list[str] = Field(default_factory=list, max_length=20)
    llm_model: str | None = None
    history: list[HistoryMessage | None] | str = Field(default_factory=list)
    history_index: int | None = Field(default=None, ge=0, le=INT32_MAX)
    stream: bool = False
    system_prompt: str = ""
    metadata: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    save_history: bool = True
    # Codemill: the history answer this question follows (a branch after a regenerate or an edit); by default
    # the newest answer of the turn before.
    parent_id: str | None = Field(default=None, max_length=64)
    # Codemill: this turn's temperature (the chat's settings); by default the assistant's.
    temperature: float | None = Field(default=None, ge=0, le=2)

    @field_validator("conversation_id", mode="before")
    @classmethod
    def _fresh_id_when_empty(cls, value: Any) -> Any:
        return value or str(uuid.uuid4())


class ConversationCreate(Lenient):
    """POST /v1/conversations."""

    initial_assistant_id: str | None = None
    folder: str | None = Field(default=None, max_length=200)
    mcp_server_single_usage: bool | None = False
    is_workflow: bool | None = Field(default=None, validation_alias=AliasChoices("is_workflow", "isWorkflow"))


class ConversationUpdate(Lenient):
    """PUT /v1/conversations/{id}: rename, move to a folder, pin."""

    name: str | None = Field(default=None, max_length=500)
    folder: str | None = Field(default=None, max_length=200)
    pinned: bool | None = None
    llm_model: str | None = None


class FolderRequest(Lenient):
    """Create or rename a folder."""

    folder: str = Field(min_length=1, max_length=200)

    @field_validator("folder")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("folder must not be blank")
        return value


class HistoryEdit(Lenient):
    """PUT /v1/conversations/{id}/history/{index}: new text for the assistant's answer."""

    message_index: int | None = Field(default=None, ge=0, le=INT32_MAX)
    message: str = Field(max_length=400_000)


class UpsertItem(Lenient):
    """One message of an imported history (the SDK's HistoryItem)."""

    role: str
    message: str = Field(max_length=400_000)
    history_index: int = Field(ge=0, le=INT32_MAX, validation_alias=AliasChoices("historyIndex", "history_index"))
    date: datetime
    response_time: float | None = Field(default=None, validation_alias=AliasChoices("responseTime", "response_time"))
    input_tokens: int | None = Field(
        default=None, ge=0, le=INT32_MAX, validation_alias=AliasChoices("inputTokens", "input_tokens")
    )
    output_tokens: int | None = Field(
        default=None, ge=0, le=INT32_MAX, validation_alias=AliasChoices("outputTokens", "output_tokens")
    )
    money_spent: float | None = Field(default=None, validation_alias=AliasChoices("moneySpent", "money_spent"))
    file_names: list[str] = Field(default_factory=list, validation_alias=AliasChoices("fileNames", "file_names"))
    assistant_id: str | None = Field(default=None, validation_alias=AliasChoices("assistantId", "assistant_id"))
    thoughts: list[dict[str, Any]] | None = None


class HistoryUpsert(Lenient):
    """PUT /v1/conversations/{id}/history."""

    history: list[UpsertItem] = Field(max_length=10_000)
    assistant_id: str | None = None
    folder: str | None = Field(default=None, max_length=200)
