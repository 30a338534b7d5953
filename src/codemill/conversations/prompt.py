"""A chat turn's input for the model: the system prompt rendered, and the history (stored or sent) fitted to the window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants.templates import PromptLimitExceeded, PromptTemplateError, render_prompt_async
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.conversations import repository
from codemill.conversations.schemas import ChatRequest
from codemill.conversations.service import finished
from codemill.errors import Unprocessable
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.provider import ChatMessage
from codemill.llm.tokens import count_tokens
from codemill.models import Assistant, ConversationMessage

# Share of the model's context window that history may take; the rest is prompt, tools and answer.
HISTORY_SHARE = 0.6


async def system_prompt(
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


async def stored_history(
    session: AsyncSession, principal: Principal, body: ChatRequest, owner: tuple[str, datetime | None] | None
) -> list[ChatMessage]:
    """The conversation's history (latest variant of each turn, before `history_index` when given); `owner`:
    the conversation's (user id, finished at), None when it does not exist yet (no history then)."""
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


def has_client_history(body: ChatRequest) -> bool:
    return isinstance(body.history, list) and any(item is not None for item in body.history)


def client_history(body: ChatRequest) -> list[ChatMessage]:
    if not isinstance(body.history, list):
        return []
    return [
        ChatMessage("user" if item.role.lower() == "user" else "assistant", item.message or "")
        for item in body.history
        if item is not None
    ]


def fit(history: list[ChatMessage], model: CatalogueModel) -> list[ChatMessage]:
    """The newest history that fits the model's context window."""
    budget = int(model.context_window * HISTORY_SHARE)
    kept: list[ChatMessage] = []
    for message in reversed(history):
        budget -= count_tokens(message.content) + 4
        if budget < 0:
            break
        kept.append(message)
    return list(reversed(kept))
