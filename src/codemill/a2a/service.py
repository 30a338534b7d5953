"""The A2A JSON-RPC methods over an assistant: message/send, message/stream, tasks/get, tasks/cancel.

A message runs as a chat turn with the assistant (the same path as CodeMie's chat); its `contextId` is the
conversation, so a context's turns see each other. Tasks are stored (a2a_tasks) so any replica answers
tasks/get. Older v0.1 method names (tasks/send, tasks/sendSubscribe) are accepted as CodeMie accepts them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from codemill.a2a import repository
from codemill.a2a.schemas import TERMINAL, RpcError, SendParams, TaskIdParams, TaskQueryParams, TaskState
from codemill.auth.principal import Principal
from codemill.conversations import turn
from codemill.conversations.dependencies import StreamingChatResources
from codemill.conversations.schemas import CONVERSATION_ID, ChatRequest
from codemill.errors import CodemillError
from codemill.models import A2ATask

SEND = {"message/send", "tasks/send"}
STREAM = {"message/stream", "tasks/sendSubscribe"}
_CONTEXT_ID = re.compile(CONVERSATION_ID)


class RpcFailure(Exception):
    """A JSON-RPC error to answer with."""

    def __init__(self, code: RpcError, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


def error(request_id: Any, failure: RpcFailure) -> dict[str, Any]:
    """A JSON-RPC error response."""
    body: dict[str, Any] = {"code": int(failure.code), "message": failure.message}
    if failure.data is not None:
        body["data"] = failure.data
    return {"jsonrpc": "2.0", "id": request_id, "error": body}


def result(request_id: Any, value: dict[str, Any]) -> dict[str, Any]:
    """A JSON-RPC result response."""
    return {"jsonrpc": "2.0", "id": request_id, "result": value}


def load(raw: bytes) -> dict[str, Any]:
    """The JSON-RPC request object; RpcFailure when it is not JSON or not a request."""
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise RpcFailure(RpcError.PARSE_ERROR, "Invalid JSON payload") from None
    if not isinstance(payload, dict) or payload.get("jsonrpc") != "2.0" or not isinstance(payload.get("method"), str):
        raise RpcFailure(RpcError.INVALID_REQUEST, "Request payload validation error: jsonrpc '2.0' and a method")
    return payload


def method_and_params(payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The request's method and params; RpcFailure for an unknown method or params that are not an object."""
    method = str(payload["method"])
    if method not in SEND | STREAM | {"tasks/get", "tasks/cancel"}:
        raise RpcFailure(RpcError.METHOD_NOT_FOUND, f"Method not found: {method}")
    params = payload.get("params", {})
    if not isinstance(params, dict):
        raise RpcFailure(RpcError.INVALID_PARAMS, "Invalid parameters: params must be an object")
    return method, params


def _params[P: BaseModel](model: type[P], params: dict[str, Any]) -> P:
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        details = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        raise RpcFailure(RpcError.INVALID_PARAMS, "Invalid parameters", details) from None


def _text_message(role: str, text: str, task_id: str, context_id: str) -> dict[str, Any]:
    return {
        "kind": "message",
        "role": role,
        "parts": [{"kind": "text", "text": text}],
        "messageId": uuid.uuid4().hex,
        "taskId": task_id,
        "contextId": context_id,
    }


def task_view(task: A2ATask, history_length: int | None = None) -> dict[str, Any]:
    """A task as A2A shows it (history trimmed to `history_length`, none when not asked for)."""
    history = task.history[-history_length:] if history_length else []
    status: dict[str, Any] = {"state": task.state, "timestamp": task.updated_at.isoformat()}
    if task.state == TaskState.FAILED and task.history and task.history[-1]["role"] == "agent":
        status["message"] = task.history[-1]
    return {
        "kind": "task",
        "id": task.id,
        "contextId": task.context_id,
        "status": status,
        "artifacts": task.artifacts,
        "history": history,
    }


async def _begin(
    resources: StreamingChatResources, principal: Principal, assistant_id: str, params: SendParams
) -> tuple[A2ATask, str]:
    """Record the task as working (a new one, or the caller's existing one continued); returns it and the text."""
    text = "".join(p.text or "" for p in params.message.parts if p.is_text())
    if not text.strip():
        raise RpcFailure(RpcError.INVALID_PARAMS, "Invalid parameters: message.parts needs a non-empty text part")
    context_id = params.contextId or params.message.contextId or params.sessionId or str(uuid.uuid4())
    if not _CONTEXT_ID.match(context_id):
        raise RpcFailure(RpcError.INVALID_PARAMS, "Invalid parameters: contextId is 1-64 of [A-Za-z0-9_.:-]")
    task_id = params.id or params.message.taskId or str(uuid.uuid4())
    message = params.message.model_dump(exclude_none=True) | {"kind": "message", "taskId": task_id}
    async with resources.sessions() as session, session.begin():
        task = await repository.get_for_update(session, task_id)
        if task is not None and (task.user_id != principal.user_id or task.assistant_id != assistant_id):
            raise RpcFailure(RpcError.TASK_NOT_FOUND, "Task not found")
        if task is None:
            task = A2ATask(id=task_id, assistant_id=assistant_id, user_id=principal.user_id, context_id=context_id)
            task.history, task.artifacts = [], []
            repository.add(session, task)
        elif task.state == TaskState.CANCELED:
            raise RpcFailure(RpcError.INVALID_PARAMS, "Invalid parameters: the task was canceled")
        task.state = TaskState.WORKING
        task.history = [*task.history, message | {"contextId": task.context_id}]
    return task, text


async def _finish(resources: StreamingChatResources, task_id: str, answer: str, success: bool) -> A2ATask:
    """Record the turn's outcome: an artifact with the answer, or the failure as the agent's message."""
    async with resources.sessions() as session, session.begin():
        task = await repository.get_for_update(session, task_id)
        assert task is not None  # written by _begin; tasks are deleted only with their assistant
        reply = _text_message("agent", answer, task.id, task.context_id)
        if task.state != TaskState.CANCELED:
            task.state = TaskState.COMPLETED if success else TaskState.FAILED
        if success:
            artifact = {"artifactId": uuid.uuid4().hex, "name": "answer", "parts": reply["parts"]}
            task.artifacts = [*task.artifacts, artifact]
        task.history = [*task.history, reply]
        task.updated_at = datetime.now(UTC)
    return task


async def _prepare(
    resources: StreamingChatResources, principal: Principal, assistant_id: str, task: A2ATask, text: str, stream: bool
) -> turn.Turn:
    request = ChatRequest(conversation_id=task.context_id, text=text, stream=stream)
    try:
        return await turn.prepare(resources, principal, assistant_id, request)
    except CodemillError as exc:
        await _finish(resources, task.id, exc.message, success=False)
        raise RpcFailure(RpcError.INVALID_PARAMS, f"Invalid parameters: {exc.message}", exc.details) from None


async def send(
    resources: StreamingChatResources, principal: Principal, assistant_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    """message/send: run the turn, answer with the task (its artifact holds the answer)."""
    checked = _params(SendParams, params)
    task, text = await _begin(resources, principal, assistant_id, checked)
    prepared = await _prepare(resources, principal, assistant_id, task, text, stream=False)
    final = await turn.execute(prepared, lambda _record: None)
    await turn.store(prepared, final)
    done = await _finish(resources, task.id, final["generated"], bool(final["success"]))
    return task_view(done, checked.historyLength)


async def stream(
    resources: StreamingChatResources,
    principal: Principal,
    assistant_id: str,
    request_id: Any,
    params: dict[str, Any],
) -> AsyncIterator[bytes]:
    """message/stream: SSE events (working, the answer as appended artifact chunks, the final status)."""
    checked = _params(SendParams, params)
    task, text = await _begin(resources, principal, assistant_id, checked)
    prepared = await _prepare(resources, principal, assistant_id, task, text, stream=True)
    artifact_id = uuid.uuid4().hex
    outcome: dict[str, Any] = {}
    ids = {"taskId": task.id, "id": task.id, "contextId": task.context_id}

    def event(value: dict[str, Any]) -> bytes:
        return b"data: " + orjson.dumps(result(request_id, value)) + b"\n\n"

    def encode(record: dict[str, Any]) -> bytes:
        if record["last"]:
            outcome.update(text=record["generated"], success=bool(record["success"]))
        text = record["generated_chunk"]
        if not text and not record["last"]:
            return b""
        artifact = {"artifactId": artifact_id, "name": "answer", "parts": [{"kind": "text", "text": text or ""}]}
        last = bool(record["last"])
        return event({**ids, "kind": "artifact-update", "artifact": artifact, "append": True, "lastChunk": last})

    async def events() -> AsyncIterator[bytes]:
        working = {"state": TaskState.WORKING, "timestamp": datetime.now(UTC).isoformat()}
        yield event({**ids, "kind": "status-update", "status": working, "final": False})
        async for chunk in turn.stream(prepared, resources.chat_tasks, encode):
            yield chunk
        done = await _finish(resources, task.id, outcome.get("text", ""), outcome.get("success", False))
        yield event({**ids, "kind": "status-update", "status": task_view(done)["status"], "final": True})

    return events()


async def get_task(
    resources: StreamingChatResources, principal: Principal, assistant_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    """tasks/get: the caller's task on this assistant."""
    checked = _params(TaskQueryParams, params)
    async with resources.sessions() as session:
        task = await repository.get(session, checked.id)
    if task is None or task.user_id != principal.user_id or task.assistant_id != assistant_id:
        raise RpcFailure(RpcError.TASK_NOT_FOUND, "Task not found")
    return task_view(task, checked.historyLength)


async def cancel_task(
    resources: StreamingChatResources, principal: Principal, assistant_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    """tasks/cancel: a task still working is marked canceled; a finished one cannot be."""
    checked = _params(TaskIdParams, params)
    async with resources.sessions() as session, session.begin():
        task = await repository.get_for_update(session, checked.id)
        if task is None or task.user_id != principal.user_id or task.assistant_id != assistant_id:
            raise RpcFailure(RpcError.TASK_NOT_FOUND, "Task not found")
        if task.state in TERMINAL:
            raise RpcFailure(RpcError.TASK_NOT_CANCELABLE, "Task cannot be canceled")
        task.state = TaskState.CANCELED
        task.updated_at = datetime.now(UTC)
    return task_view(task)
