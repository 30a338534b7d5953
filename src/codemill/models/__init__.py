"""SQLAlchemy tables, one file per aggregate, all registered on Base.metadata here."""

from codemill.models.activity import ActivityEvent
from codemill.models.analytics import (
    Budget,
    CostCenter,
    CostCenterProject,
    ToolDaily,
    ToolHourly,
    ToolUsage,
    UsageDaily,
    UsageHourly,
)
from codemill.models.assistants import Assistant, AssistantVersion
from codemill.models.base import Base
from codemill.models.conversations import Conversation, ConversationFolder, ConversationMessage
from codemill.models.datasources import Datasource, DatasourceChunk, DatasourceItem
from codemill.models.integrations import Integration
from codemill.models.projects import Project, ProjectMember
from codemill.models.usage import LLMUsage
from codemill.models.users import RevokedToken, User

__all__ = [
    "ActivityEvent",
    "Assistant",
    "AssistantVersion",
    "Base",
    "Budget",
    "Conversation",
    "ConversationFolder",
    "ConversationMessage",
    "CostCenter",
    "CostCenterProject",
    "Datasource",
    "DatasourceChunk",
    "DatasourceItem",
    "Integration",
    "LLMUsage",
    "Project",
    "ProjectMember",
    "RevokedToken",
    "ToolDaily",
    "ToolHourly",
    "ToolUsage",
    "UsageDaily",
    "UsageHourly",
    "User",
]
