"""API models for chat and conversations (CodeMie's camelCase aliases are accepted beside snake_case)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from codemill.kit.api_schemas import OpenOut
from codemill.kit.json_types import JsonObject
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
    metadata: JsonObject | None = None
    output_schema: JsonObject | None = None
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
    thoughts: list[JsonObject] | None = None


class HistoryUpsert(Lenient):
    """PUT /v1/conversations/{id}/history."""

    history: list[UpsertItem] = Field(max_length=10_000)
    assistant_id: str | None = None
    folder: str | None = Field(default=None, max_length=200)


# Responses (built in `views.py`; the SDK's Conversation, ConversationDetails, HistoryItem, ConversationFolder).
# Fields are declared in the order clients have always received them.
class ConversationSummaryOut(BaseModel):
    """A list entry."""

    id: str
    name: str | None
    folder: str | None
    pinned: bool
    date: str
    assistant_ids: list[str]
    initial_assistant_id: str | None
    finished_at: str | None
    project: str | None


class HistoryMarkOut(BaseModel):
    """The user's feedback on an answer (the SDK's HistoryMark)."""

    mark: str
    rating: int | None
    comments: str | None
    date: str
    type: str | None
    feedback_id: str


class HistoryItemOut(BaseModel):
    """One history message (camelCase, as CodeMie stores them); `id`/`parentId` are Codemill's versions and
    branches (turns sharing a parent answer are versions of each other)."""

    model_config = ConfigDict(populate_by_name=True)

    role: str
    message: str | None
    history_index: int | None = Field(alias="historyIndex")
    date: str
    response_time: float | None = Field(alias="responseTime")
    input_tokens: int | None = Field(alias="inputTokens")
    output_tokens: int | None = Field(alias="outputTokens")
    money_spent: float | None = Field(alias="moneySpent")
    file_names: list[str] = Field(alias="fileNames")
    assistant_id: str | None = Field(alias="assistantId")
    thoughts: list[Any]
    status: str | None
    user_mark: HistoryMarkOut | None = Field(alias="userMark")
    operator_mark: HistoryMarkOut | None = Field(alias="operatorMark")
    message_raw: str | None = Field(alias="messageRaw")
    id: str
    parent_id: str | None = Field(alias="parentId")


class ConversationToolOut(BaseModel):
    """A tool of one of the conversation's assistants."""

    name: str | None
    label: str | None
    settings_config: bool
    user_description: str | None


class ConversationAssistantOut(BaseModel):
    assistant_id: str
    assistant_name: str
    assistant_icon: str | None
    assistant_type: str
    context: list[Any]
    tools: list[ConversationToolOut]
    conversation_starters: list[str]


class ConversationOut(BaseModel):
    """The whole conversation with its history (CodeMie's ConversationDetails)."""

    id: str
    conversation_id: str
    date: str
    update_date: str
    conversation_name: str | None
    llm_model: str | None
    folder: str | None
    pinned: bool
    history: list[HistoryItemOut]
    user_id: str
    user_name: str | None
    project: str | None
    assistant_ids: list[str]
    assistant_data: list[ConversationAssistantOut]
    initial_assistant_id: str
    user_abilities: list[str]
    is_workflow_conversation: bool
    finished_at: str | None
    final_user_mark: JsonObject | None
    final_operator_mark: JsonObject | None
    conversation_details: None
    assistant_details: None
    is_folder_migrated: bool
    category: str | None
    mcp_server_single_usage: bool


class FolderOut(BaseModel):
    """A folder (the SDK's ConversationFolder)."""

    id: str
    user_id: str
    folder_name: str
    date: str
    update_date: str
    user_abilities: list[str]


class FinishedOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    conversation_id: str = Field(alias="conversationId")
    finished_at: str = Field(alias="finishedAt")


class HistoryUpsertOut(BaseModel):
    conversation_id: str
    new_messages: int
    total_messages: int
    created: bool


class ChatAnswerOut(OpenOut):
    """A non-streamed chat answer (the SDK's BaseModelResponse); `stream=true` answers NDJSON records instead."""

    generated: Any
    time_elapsed: float | None = Field(default=None, alias="timeElapsed")
    tokens_used: int | None = Field(default=None, alias="tokensUsed")
    thoughts: list[JsonObject] = Field(default_factory=list)
    task_id: str | None = Field(default=None, alias="taskId")
    success: bool | None = None
    agent_error: Any = Field(default=None, alias="agentError")
    tool_errors: Any = Field(default=None, alias="toolErrors")
    tool_call_pending: Any = Field(default=None, alias="toolCallPending")


# The chat routes answer JSON (ChatAnswerOut) or, with `stream=true`, NDJSON records: documented, not validated.
CHAT_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"model": ChatAnswerOut, "content": {"application/x-ndjson": {}}, "description": "The answer"}
}
