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
from codemill.models.api_access import A2ATask, ApiKey
from codemill.models.assistants import Assistant, AssistantVersion
from codemill.models.base import Base
from codemill.models.conversations import Conversation, ConversationFolder, ConversationMessage, TurnStatus
from codemill.models.datasources import Datasource, DatasourceChunk, DatasourceItem, DatasourceStatus, IndexingMode
from codemill.models.integrations import Integration
from codemill.models.mcp_configs import MCPConfig
from codemill.models.projects import Project, ProjectMember
from codemill.models.usage import LLMUsage
from codemill.models.users import LoginThrottle, RevokedToken, User
from codemill.models.workflows import (
    Workflow,
    WorkflowExecution,
    WorkflowExecutionState,
    WorkflowTransition,
    WorkflowYamlVersion,
)

__all__ = [
    "A2ATask",
    "ActivityEvent",
    "ApiKey",
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
    "DatasourceStatus",
    "IndexingMode",
    "Integration",
    "LLMUsage",
    "LoginThrottle",
    "MCPConfig",
    "Project",
    "ProjectMember",
    "RevokedToken",
    "ToolDaily",
    "ToolHourly",
    "ToolUsage",
    "TurnStatus",
    "UsageDaily",
    "UsageHourly",
    "User",
    "Workflow",
    "WorkflowExecution",
    "WorkflowExecutionState",
    "WorkflowTransition",
    "WorkflowYamlVersion",
]
