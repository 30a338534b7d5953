"""A2A shapes: the agent card (the CodeMie SDK's AgentCard) and the JSON-RPC methods' params."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class AgentProviderOut(BaseModel):
    organization: str
    url: str | None = None


class AgentCapabilitiesOut(BaseModel):
    streaming: bool = True
    pushNotifications: bool = False
    stateTransitionHistory: bool = True


class AgentAuthenticationOut(BaseModel):
    schemes: list[str]
    credentials: str | None = None


class AgentSkillOut(BaseModel):
    id: str
    name: str
    description: str | None = None
    tags: list[str] | None = None
    examples: list[str] | None = None
    inputModes: list[str] | None = None
    outputModes: list[str] | None = None


class AgentCardOut(BaseModel):
    """GET /v1/a2a/assistants/{id}/.well-known/agent.json."""

    name: str
    description: str | None = None
    url: str
    provider: AgentProviderOut | None = None
    version: str
    documentationUrl: str | None = None
    capabilities: AgentCapabilitiesOut
    authentication: AgentAuthenticationOut | None = None
    defaultInputModes: list[str] = ["text"]
    defaultOutputModes: list[str] = ["text"]
    skills: list[AgentSkillOut]


class TaskState(StrEnum):
    """A2A task states (the ones Codemill reaches)."""

    SUBMITTED = "submitted"
    WORKING = "working"
    COMPLETED = "completed"
    CANCELED = "canceled"
    FAILED = "failed"


TERMINAL = {TaskState.COMPLETED, TaskState.CANCELED, TaskState.FAILED}


class RpcError(IntEnum):
    """JSON-RPC and A2A error codes."""

    PARSE_ERROR = -32700
    INVALID_REQUEST = -32600
    METHOD_NOT_FOUND = -32601
    INVALID_PARAMS = -32602
    INTERNAL_ERROR = -32603
    TASK_NOT_FOUND = -32001
    TASK_NOT_CANCELABLE = -32002


class _Params(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PartIn(_Params):
    """A message part; `kind` (v0.2) or `type` (v0.1). Text parts are read."""

    kind: str | None = None
    type: str | None = None
    text: str | None = None

    def is_text(self) -> bool:
        """Whether this is a text part."""
        return (self.kind or self.type) == "text" and self.text is not None


class MessageIn(_Params):
    role: Literal["user", "agent"]
    parts: list[PartIn] = Field(min_length=1)
    messageId: str | None = None
    taskId: str | None = Field(default=None, max_length=128)
    contextId: str | None = None


class SendParams(_Params):
    """message/send and message/stream (v0.1's tasks/send: `id` and `sessionId` name the task and session)."""

    id: str | None = Field(default=None, min_length=1, max_length=128)
    sessionId: str | None = None
    contextId: str | None = None
    message: MessageIn
    historyLength: int | None = Field(default=None, ge=0)


class TaskQueryParams(_Params):
    """tasks/get."""

    id: str = Field(min_length=1, max_length=128)
    historyLength: int | None = Field(default=None, ge=0)


class TaskIdParams(_Params):
    """tasks/cancel."""

    id: str = Field(min_length=1, max_length=128)


class JsonRpcErrorOut(BaseModel):
    code: int
    message: str
    data: Any | None = None


class JsonRpcResponseOut(BaseModel):
    """A JSON-RPC response: `result` (an A2A Task) or `error`."""

    jsonrpc: Literal["2.0"] = "2.0"
    id: str | int | None = None
    result: dict[str, Any] | None = None
    error: JsonRpcErrorOut | None = None
