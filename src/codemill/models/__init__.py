"""SQLAlchemy tables, one file per aggregate, all registered on Base.metadata here."""

from codemill.models.activity import ActivityEvent
from codemill.models.analytics import (
    Budget,
    CostCenter,
    CostCenterProject,
    ProjectBudgetGroup,
    ToolDaily,
    ToolHourly,
    ToolUsage,
    UsageDaily,
    UsageHourly,
)
from codemill.models.api_access import A2ATask, ApiKey
from codemill.models.assistant_mappings import AssistantUserMapping
from codemill.models.assistant_marketplace import AssistantCategory, AssistantReaction
from codemill.models.assistants import Assistant, AssistantVersion
from codemill.models.automation import AutomationRun
from codemill.models.base import Base
from codemill.models.conversations import (
    Conversation,
    ConversationFolder,
    ConversationMessage,
    ConversationShare,
    MessageFeedback,
    TurnStatus,
)
from codemill.models.datasources import Datasource, DatasourceChunk, DatasourceItem, DatasourceStatus, IndexingMode
from codemill.models.files import StoredFile
from codemill.models.integrations import Integration
from codemill.models.mcp_configs import MCPConfig
from codemill.models.projects import Project, ProjectMember
from codemill.models.skills import AssistantSkill, Skill, SkillEvent, SkillReaction, SkillVisibility
from codemill.models.usage import LLMUsage
from codemill.models.users import Invitation, LoginThrottle, RevokedToken, User
from codemill.models.workflows import (
    Workflow,
    WorkflowExecution,
    WorkflowExecutionState,
    WorkflowTransition,
    WorkflowYamlVersion,
)
from codemill.models.workspaces import Workspace, WorkspaceFile

__all__ = [
    "A2ATask",
    "ActivityEvent",
    "ApiKey",
    "Assistant",
    "AssistantCategory",
    "AssistantReaction",
    "AssistantSkill",
    "AssistantUserMapping",
    "AssistantVersion",
    "AutomationRun",
    "Base",
    "Budget",
    "Conversation",
    "ConversationFolder",
    "ConversationMessage",
    "ConversationShare",
    "CostCenter",
    "CostCenterProject",
    "Datasource",
    "DatasourceChunk",
    "DatasourceItem",
    "DatasourceStatus",
    "IndexingMode",
    "Integration",
    "Invitation",
    "LLMUsage",
    "LoginThrottle",
    "MCPConfig",
    "MessageFeedback",
    "Project",
    "ProjectBudgetGroup",
    "ProjectMember",
    "RevokedToken",
    "Skill",
    "SkillEvent",
    "SkillReaction",
    "SkillVisibility",
    "StoredFile",
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
    "Workspace",
    "WorkspaceFile",
]
