"""SQLAlchemy tables, one file per aggregate, all registered on Base.metadata here."""

from codemill.models.api_access import A2ATask, ApiKey
from codemill.models.assistants import Assistant, AssistantVersion
from codemill.models.base import Base
from codemill.models.conversations import Conversation, ConversationFolder, ConversationMessage
from codemill.models.datasources import Datasource, DatasourceChunk, DatasourceItem
from codemill.models.integrations import Integration
from codemill.models.projects import Project, ProjectMember
from codemill.models.usage import LLMUsage
from codemill.models.users import RevokedToken, User

__all__ = [
    "A2ATask",
    "ApiKey",
    "Assistant",
    "AssistantVersion",
    "Base",
    "Conversation",
    "ConversationFolder",
    "ConversationMessage",
    "Datasource",
    "DatasourceChunk",
    "DatasourceItem",
    "Integration",
    "LLMUsage",
    "Project",
    "ProjectMember",
    "RevokedToken",
    "User",
]
