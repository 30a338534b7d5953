"""Conversations as the API returns them (the CodeMie SDK's Conversation, ConversationDetails, HistoryItem):
the one place that builds the response models from rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from codemill.conversations.admin_schemas import AdminConversationListOut, AdminConversationSummaryOut
from codemill.conversations.feedback_schemas import FeedbackEntryOut
from codemill.conversations.schemas import (
    ConversationAssistantOut,
    ConversationOut,
    ConversationSummaryOut,
    ConversationToolOut,
    FinishedOut,
    FolderOut,
    HistoryItemOut,
    HistoryMarkOut,
)
from codemill.conversations.sharing_schemas import ShareOut
from codemill.kit.api_schemas import Pagination
from codemill.models import (
    Assistant,
    Conversation,
    ConversationFolder,
    ConversationMessage,
    ConversationShare,
    MessageFeedback,
)

ABILITIES = ["read", "write", "delete"]


def summary(conversation: Conversation) -> ConversationSummaryOut:
    """A list entry."""
    return ConversationSummaryOut(
        id=conversation.id,
        name=conversation.name,
        folder=conversation.folder,
        pinned=conversation.pinned,
        date=conversation.updated_at.isoformat(),
        assistant_ids=list(conversation.assistant_ids or []),
        initial_assistant_id=conversation.initial_assistant_id,
        finished_at=conversation.finished_at.isoformat() if conversation.finished_at else None,
        project=conversation.project,
    )


def admin_page(rows: Sequence[Conversation], total: int, page: int, per_page: int) -> AdminConversationListOut:
    """One page of every user's conversations (each entry names its owner)."""
    return AdminConversationListOut(
        data=[AdminConversationSummaryOut(**summary(c).model_dump(), user_id=c.user_id) for c in rows],
        pagination=Pagination(page=page, per_page=per_page, total=total),
    )


def history_item(message: ConversationMessage, user_mark: HistoryMarkOut | None = None) -> HistoryItemOut:
    """One history message; the answer carries the user's feedback mark."""
    return HistoryItemOut(
        role=message.role,
        message=message.message,
        history_index=message.history_index,
        date=message.created_at.isoformat(),
        response_time=message.response_time,
        input_tokens=message.input_tokens,
        output_tokens=message.output_tokens,
        money_spent=message.money_spent,
        file_names=list(message.file_names or []),
        assistant_id=message.assistant_id,
        thoughts=list(message.thoughts or []),
        status=message.status,
        user_mark=user_mark if message.role == "Assistant" else None,
        operator_mark=None,
        message_raw=message.message_raw,
        id=message.id,
        parent_id=message.parent_id,
    )


def assistant_data(assistant: Assistant) -> ConversationAssistantOut:
    """What a conversation shows about one of its assistants."""
    tools = [
        ConversationToolOut(
            name=tool.get("name"),
            label=tool.get("label") or tool.get("name"),
            settings_config=bool(tool.get("settings_config", False)),
            user_description=tool.get("user_description"),
        )
        for kit in assistant.toolkits or []
        for tool in kit.get("tools") or []
        if isinstance(tool, dict)
    ]
    return ConversationAssistantOut(
        assistant_id=assistant.id,
        assistant_name=assistant.name,
        assistant_icon=assistant.icon_url,
        assistant_type="default",
        context=list(assistant.context or []),
        tools=tools,
        conversation_starters=list(assistant.conversation_starters or []),
    )


def details(
    conversation: Conversation,
    messages: Sequence[ConversationMessage],
    assistants: Sequence[Assistant],
    user_name: str,
    marks: Mapping[int, HistoryMarkOut] | None = None,
    abilities: list[str] | None = None,
) -> ConversationOut:
    """The whole conversation with its history (`marks`: the user's feedback by history index)."""
    marks = marks or {}
    return ConversationOut(
        id=conversation.id,
        conversation_id=conversation.id,
        date=conversation.created_at.isoformat(),
        update_date=conversation.updated_at.isoformat(),
        conversation_name=conversation.name,
        llm_model=conversation.llm_model,
        folder=conversation.folder,
        pinned=conversation.pinned,
        history=[history_item(m, marks.get(m.history_index)) for m in messages],
        user_id=conversation.user_id,
        user_name=user_name,
        project=conversation.project,
        assistant_ids=list(conversation.assistant_ids or []),
        assistant_data=[assistant_data(a) for a in assistants],
        initial_assistant_id=conversation.initial_assistant_id or "",
        user_abilities=ABILITIES if abilities is None else abilities,
        is_workflow_conversation=False,
        finished_at=conversation.finished_at.isoformat() if conversation.finished_at else None,
        final_user_mark=conversation.final_user_mark,
        final_operator_mark=conversation.final_operator_mark,
        conversation_details=None,
        assistant_details=None,
        is_folder_migrated=True,
        category=None,
        mcp_server_single_usage=False,
    )


def finished(conversation: Conversation) -> FinishedOut:
    """A conversation just marked finished."""
    assert conversation.finished_at is not None
    return FinishedOut(conversation_id=conversation.id, finished_at=conversation.finished_at.isoformat())


def folder(row: ConversationFolder) -> FolderOut:
    """A folder (the SDK's ConversationFolder)."""
    return FolderOut(
        id=row.id,
        user_id=row.user_id,
        folder_name=row.name,
        date=row.created_at.isoformat(),
        update_date=row.updated_at.isoformat(),
        user_abilities=ABILITIES,
    )


def feedback_mark(entry: MessageFeedback) -> HistoryMarkOut:
    """A feedback entry as the history's userMark (the SDK's HistoryMark)."""
    return HistoryMarkOut(
        mark=entry.mark,
        rating=None,
        comments=entry.comments,
        date=entry.created_at.isoformat(),
        type=entry.type,
        feedback_id=entry.id,
    )


def feedback_entry(entry: MessageFeedback) -> FeedbackEntryOut:
    """A feedback entry as an admin reviews it (CodeMie's FeedbackEntry fields)."""
    return FeedbackEntryOut(
        id=entry.id,
        date=entry.created_at.isoformat(),
        conversationId=entry.conversation_id,
        messageIndex=entry.history_index,
        assistantId=entry.assistant_id,
        userId=entry.user_id,
        author=entry.author,
        mark=entry.mark,
        comments=entry.comments,
        type=entry.type,
        request=entry.request,
        response=entry.response,
    )


def share(row: ConversationShare) -> ShareOut:
    """A share link as the SDK reads it."""
    return ShareOut(
        share_id=row.id, token=row.token, created_at=row.created_at.isoformat(), access_count=row.access_count
    )
