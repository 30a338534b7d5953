"""Conversations as the CodeMie SDK reads them (Conversation, ConversationDetails, HistoryItem)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codemill.models import Assistant, Conversation, ConversationFolder, ConversationMessage, MessageFeedback

ABILITIES = ["read", "write", "delete"]


def summary(conversation: Conversation) -> dict[str, Any]:
    """A list entry."""
    return {
        "id": conversation.id,
        "name": conversation.name,
        "folder": conversation.folder,
        "pinned": conversation.pinned,
        "date": conversation.updated_at.isoformat(),
        "assistant_ids": list(conversation.assistant_ids or []),
        "initial_assistant_id": conversation.initial_assistant_id,
        "finished_at": conversation.finished_at.isoformat() if conversation.finished_at else None,
        "project": conversation.project,
    }


def history_item(message: ConversationMessage, user_mark: dict[str, Any] | None = None) -> dict[str, Any]:
    """One history message (camelCase, as CodeMie stores them); the answer carries the user's feedback mark."""
    return {
        "role": message.role,
        "message": message.message,
        "historyIndex": message.history_index,
        "date": message.created_at.isoformat(),
        "responseTime": message.response_time,
        "inputTokens": message.input_tokens,
        "outputTokens": message.output_tokens,
        "moneySpent": message.money_spent,
        "userMark": user_mark if message.role == "Assistant" else None,
        "operatorMark": None,
        "messageRaw": message.message_raw,
        "fileNames": list(message.file_names or []),
        "assistantId": message.assistant_id,
        "thoughts": list(message.thoughts or []),
        "status": message.status,
        # Codemill: versions and branches (turns sharing a parent answer are versions of each other).
        "id": message.id,
        "parentId": message.parent_id,
    }


def assistant_data(assistant: Assistant) -> dict[str, Any]:
    """What a conversation shows about one of its assistants."""
    tools = [
        {
            "name": tool.get("name"),
            "label": tool.get("label") or tool.get("name"),
            "settings_config": bool(tool.get("settings_config", False)),
            "user_description": tool.get("user_description"),
        }
        for kit in assistant.toolkits or []
        for tool in kit.get("tools") or []
        if isinstance(tool, dict)
    ]
    return {
        "assistant_id": assistant.id,
        "assistant_name": assistant.name,
        "assistant_icon": assistant.icon_url,
        "assistant_type": "default",
        "context": list(assistant.context or []),
        "tools": tools,
        "conversation_starters": list(assistant.conversation_starters or []),
    }


def details(
    conversation: Conversation,
    messages: Sequence[ConversationMessage],
    assistants: Sequence[Assistant],
    user_name: str,
    marks: Mapping[int, dict[str, Any]] | None = None,
    abilities: list[str] | None = None,
) -> dict[str, Any]:
    """The whole conversation with its history (`marks`: the user's feedback by history index)."""
    marks = marks or {}
    return {
        "id": conversation.id,
        "conversation_id": conversation.id,
        "date": conversation.created_at.isoformat(),
        "update_date": conversation.updated_at.isoformat(),
        "conversation_name": conversation.name,
        "llm_model": conversation.llm_model,
        "folder": conversation.folder,
        "pinned": conversation.pinned,
        "history": [history_item(m, marks.get(m.history_index)) for m in messages],
        "user_id": conversation.user_id,
        "user_name": user_name,
        "project": conversation.project,
        "assistant_ids": list(conversation.assistant_ids or []),
        "assistant_data": [assistant_data(a) for a in assistants],
        "initial_assistant_id": conversation.initial_assistant_id or "",
        "final_user_mark": conversation.final_user_mark,
        "final_operator_mark": conversation.final_operator_mark,
        "conversation_details": None,
        "assistant_details": None,
        "user_abilities": ABILITIES if abilities is None else abilities,
        "is_folder_migrated": True,
        "is_workflow_conversation": False,
        "category": None,
        "mcp_server_single_usage": False,
        "finished_at": conversation.finished_at.isoformat() if conversation.finished_at else None,
    }


def folder(row: ConversationFolder) -> dict[str, Any]:
    """A folder (the SDK's ConversationFolder)."""
    return {
        "id": row.id,
        "user_id": row.user_id,
        "folder_name": row.name,
        "date": row.created_at.isoformat(),
        "update_date": row.updated_at.isoformat(),
        "user_abilities": ABILITIES,
    }


def feedback_mark(entry: MessageFeedback) -> dict[str, Any]:
    """A feedback entry as the history's userMark (the SDK's HistoryMark)."""
    return {
        "mark": entry.mark,
        "rating": None,
        "comments": entry.comments,
        "date": entry.created_at.isoformat(),
        "type": entry.type,
        "feedback_id": entry.id,
    }


def feedback_entry(entry: MessageFeedback) -> dict[str, Any]:
    """A feedback entry as an admin reviews it (CodeMie's FeedbackEntry fields)."""
    return {
        "id": entry.id,
        "date": entry.created_at.isoformat(),
        "conversationId": entry.conversation_id,
        "messageIndex": entry.history_index,
        "assistantId": entry.assistant_id,
        "userId": entry.user_id,
        "author": entry.author,
        "mark": entry.mark,
        "comments": entry.comments,
        "type": entry.type,
        "request": entry.request,
        "response": entry.response,
    }
