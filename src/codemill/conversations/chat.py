"""A chat turn's two database moments: before the model runs (checks, history, tools) and after (history, usage).

Chat is a streaming boundary, so it opens its own short sessions and commits them here; no database
connection is held while the model and the tools run.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.agent.loop import AgentRun
from codemill.assistants import sealing
from codemill.assistants import service as assistants
from codemill.assistants.templates import PromptLimitExceeded, PromptTemplateError, render_prompt_async
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.conversations import repository
from codemill.conversations.assistant_tools import llm_credentials, tools_for
from codemill.conversations.schemas import ChatRequest
from codemill.conversations.service import finished
from codemill.errors import PayloadTooLarge, Unprocessable
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.gateway import LLMGateway
from codemill.llm.provider import ChatMessage, LLMProvider
from codemill.llm.tokens import count_tokens
from codemill.llm.usage import UsageOwner, record_usage, usage_rows
from codemill.models import Assistant, ConversationMessage, TurnStatus
from codemill.models.base import new_id
from codemill.settings import Settings
from codemill.tools.base import Tool, ToolContext

log = logging.getLogger("codemill.chat")
# Share of the model's context window that history may take; the rest is prompt, tools and answer.
HISTORY_SHARE = 0.6
NAME_LENGTH = 100
# The answer of a turn interrupted by a crash before any of it was saved.
INTERRUPTED_BY_CRASH = "The answer was interrupted: the server stopped before it was complete."


class ChatResources(Protocol):
    """What a chat turn uses from the process's Resources."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    llm: LLMGateway
    chat_db_slots: asyncio.Semaphore


@dataclass(slots=True)
class Turn:
    """One chat turn, prepared and then run."""

    resources: ChatResources
    principal: Principal
    body: ChatRequest
    assistant: Assistant
    model: CatalogueModel
    provider: LLMProvider
    messages: list[ChatMessage]
    tools: list[Tool]
    tool_context: ToolContext
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.perf_counter)
    run: AgentRun = field(default_factory=AgentRun)
    # Set once the question is stored (begin): the history message the answer goes into.
    answer_id: str | None = None
    saved_at: float = 0.0

    @property
    def conversation_id(self) -> str:
        """The conversation this turn belongs to."""
        return self.body.conversation_id

    def elapsed(self) -> float:
        """Seconds since the turn was received."""
        return time.perf_counter() - self.started


async def prepare(resources: ChatResources, principal: Principal, assistant_id: str, body: ChatRequest) -> Turn:
    """Check everything that can be refused with a 4xx, and gather the model's input."""
    limit = resources.settings.llm.max_message_chars
    if len(body.text) > limit:
        raise PayloadTooLarge(
            f"text: the message is {len(body.text)} characters long; the limit is {limit}",
            details={"field": "text", "length": len(body.text), "limit": limit},
            help="Send a shorter message, or attach the content as a file.",
        )
    async with resources.chat_db_slots, resources.sessions() as session:
        # Only reads here: no transaction (saves the BEGIN/ROLLBACK round trips on the hot path).
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        assistant = await assistants.get_visible(session, principal, assistant_id)
        model = resources.llm.model(body.llm_model or assistant.llm_model_type)
        provider = resources.llm.provider_for(model, await llm_credentials(session, principal, assistant, model))
        variables = await sealing.prompt_values(session, assistant)  # sensitive values opened here, only
        stored = await _stored_history(session, principal, body)
    system = await _system_prompt(body, assistant, principal, variables)
    history = _client_history(body) if _has_client_history(body) else stored
    messages = [ChatMessage("system", system)] if system.strip() else []
    messages += _fit(history, model)
    messages.append(ChatMessage("user", body.text))
    ctx = ToolContext(
        principal=principal,
        project=assistant.project,
        assistant_id=assistant.id,
        conversation_id=body.conversation_id,
        sessions=resources.sessions,
        http=resources.http,
        resources=resources,
        # The turn's attachments, and the model that describes attached images (read_attached_file).
        extra={"file_names": list(body.file_names), "vision": (provider, model) if model.features.vision else None},
    )
    tools = await tools_for(assistant, ctx) if model.features.tools else []
    return Turn(resources, principal, body, assistant, model, provider, messages, tools, ctx)


async def _system_prompt(
    body: ChatRequest, assistant: Assistant, principal: Principal, variables: dict[str, str]
) -> str:
    template = body.system_prompt or assistant.system_prompt or ""
    source = "system_prompt" if body.system_prompt else "assistant system_prompt"
    try:
        return await render_prompt_async(template, variables, current_user=principal.name or principal.email)
    except PromptLimitExceeded as exc:
        raise Unprocessable(
            f"{source}: the prompt template went past the render limits: {exc.message}",
            details={"field": "system_prompt", "reason": exc.message},
            help="Prompt templates render on every chat turn: keep their loops and output small.",
        ) from None
    except PromptTemplateError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise Unprocessable(
            f"{source}: invalid prompt template: {exc.message}{where}",
            details={"field": "system_prompt", "line": exc.line},
            help="Prompts are Jinja2 templates: {{ variable }}; fix the template and try again.",
        ) from None


async def _stored_history(session: AsyncSession, principal: Principal, body: ChatRequest) -> list[ChatMessage]:
    """The conversation's history (latest variant of each turn, before `history_index` when given)."""
    owner = await repository.owner_of(session, body.conversation_id)
    if owner is None:
        return []
    user_id, finished_at = owner
    policy.ensure_conversation_owned(principal, user_id)
    if finished_at is not None:
        raise finished(body.conversation_id)
    latest: dict[int, dict[str, ConversationMessage]] = {}
    for message in await repository.messages(session, body.conversation_id):
        if body.history_index is not None and message.history_index >= body.history_index:
            continue
        latest.setdefault(message.history_index, {})[message.role] = message
    out: list[ChatMessage] = []
    for index in sorted(latest):
        turn = latest[index]
        if "User" in turn:
            out.append(ChatMessage("user", turn["User"].message))
        if "Assistant" in turn and turn["Assistant"].message:
            out.append(ChatMessage("assistant", turn["Assistant"].message))
    return out


def _has_client_history(body: ChatRequest) -> bool:
    return isinstance(body.history, list) and any(item is not None for item in body.history)


def _client_history(body: ChatRequest) -> list[ChatMessage]:
    if not isinstance(body.history, list):
        return []
    return [
        ChatMessage("user" if item.role.lower() == "user" else "assistant", item.message or "")
        for item in body.history
        if item is not None
    ]


def _fit(history: list[ChatMessage], model: CatalogueModel) -> list[ChatMessage]:
    """The newest history that fits the model's context window."""
    budget = int(model.context_window * HISTORY_SHARE)
    kept: list[ChatMessage] = []
    for message in reversed(history):
        budget -= count_tokens(message.content) + 4
        if budget < 0:
            break
        kept.append(message)
    return list(reversed(kept))


async def begin(turn: Turn) -> None:
    """Store the question, and an empty answer in progress, before the model runs (a crash keeps them)."""
    if not turn.body.save_history:
        return
    answer_id = new_id()
    async with turn.resources.chat_db_slots, turn.resources.sessions() as session, session.begin():
        stored = await _append(session, turn, TurnStatus.IN_PROGRESS, "", answer_id, usage=[])
    if stored:
        turn.answer_id, turn.saved_at = answer_id, time.perf_counter()


def partial_save_due(turn: Turn) -> bool:
    """True when the answer so far should be saved now (a begun turn, past the interval since the last)."""
    interval = turn.resources.settings.chat.partial_save_seconds
    return turn.answer_id is not None and time.perf_counter() - turn.saved_at >= interval


async def save_partial(turn: Turn) -> None:
    """Save the answer so far (one UPDATE, no transaction kept open)."""
    assert turn.answer_id is not None
    turn.saved_at = time.perf_counter()
    async with turn.resources.chat_db_slots, turn.resources.sessions() as session, session.begin():
        await repository.save_partial_answer(session, turn.answer_id, turn.run.partial_text, datetime.now(UTC))


async def save(turn: Turn, status: str, answer: str) -> None:
    """Record the turn: usage rows always; the answer into the begun turn's message, or (not begun: the
    conversation is someone else's, or history is off) nothing more."""
    owner = UsageOwner(turn.principal.user_id, turn.assistant.project, turn.assistant.id, turn.conversation_id)
    async with turn.resources.chat_db_slots, turn.resources.sessions() as session, session.begin():
        if turn.answer_id is None:
            await record_usage(session, owner, turn.run.calls)
            return
        await repository.finish_turn(session, {**_answer_values(turn, status, answer), "usage": _usage(owner, turn)})


async def mark_abandoned_turns(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Mark turns left in progress by a server that died (silent past interrupted_after_seconds) interrupted."""
    silent_since = datetime.now(UTC) - timedelta(seconds=settings.chat.interrupted_after_seconds)
    async with sessions() as session, session.begin():
        marked = await repository.mark_abandoned_turns(session, silent_since, INTERRUPTED_BY_CRASH)
    if marked:
        log.warning("chat turns left in progress by a stopped server marked interrupted", extra={"turns": marked})
    return marked


async def _append(
    session: AsyncSession, turn: Turn, status: str, answer: str, answer_id: str, usage: list[dict[str, Any]]
) -> bool:
    """Store the turn's messages; False when the conversation id is someone else's."""
    body, principal, assistant = turn.body, turn.principal, turn.assistant
    now = datetime.now(UTC)
    stored = await repository.upsert_for_turn(
        session,
        {
            "id": body.conversation_id,
            "user_id": principal.user_id,
            "project": assistant.project,
            "name": body.text.strip().replace("\n", " ")[:NAME_LENGTH],
            "assistant_id": assistant.id,
            "llm_model": turn.model.base_name,
            "created_at": turn.received_at,
            "updated_at": now,
        },
    )
    if not stored:
        log.warning("conversation taken by another user; turn not stored", extra={"conversation": body.conversation_id})
        return False
    await repository.append_turn(
        session,
        {
            "conversation_id": body.conversation_id,
            "history_index": body.history_index,
            "assistant_id": assistant.id,
            "question_id": new_id(),
            "question": body.text,
            "question_raw": body.content_raw or None,
            "parent_id": body.parent_id,  # answer versions and edits: the branch this turn continues
            "asked_at": turn.received_at,
            "file_names": list(body.file_names),
            **_answer_values(turn, status, answer, answer_id),
            "usage": usage,
        },
    )
    return True


def _answer_values(turn: Turn, status: str, answer: str, answer_id: str | None = None) -> dict[str, Any]:
    calls = turn.run.calls
    return {
        "answer_id": answer_id or turn.answer_id,
        "answer": answer,
        "answered_at": datetime.now(UTC),
        "response_time": round(turn.elapsed(), 4),
        "input_tokens": sum(c.usage.input_tokens for c in calls),
        "output_tokens": sum(c.usage.output_tokens for c in calls),
        "money_spent": sum(c.cost for c in calls),
        "thoughts": [t.record() for t in turn.run.thoughts],
        "status": status,
    }


def _usage(owner: UsageOwner, turn: Turn) -> list[dict[str, Any]]:
    return [row | {"created_at": row["created_at"].isoformat()} for row in usage_rows(owner, turn.run.calls)]


def usage_totals(turn: Turn) -> dict[str, Any]:
    """Tokens and cost of the turn so far."""
    calls = turn.run.calls
    return {
        "input_tokens": sum(c.usage.input_tokens for c in calls),
        "output_tokens": sum(c.usage.output_tokens for c in calls),
        "money_spent": sum(c.cost for c in calls),
        "model": turn.model.base_name,
    }
