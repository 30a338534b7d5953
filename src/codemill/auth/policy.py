"""The access policy: every "may this caller see/change this object" decision is made here.

Objects the caller may not see are reported as missing (404), as CodeMie does, so their existence is
not disclosed; objects they may see but not change give 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, true

from codemill.auth.principal import Principal
from codemill.errors import Forbidden, NotFound, access_denied, not_found
from codemill.models import (
    Assistant,
    Conversation,
    Datasource,
    Integration,
    MCPConfig,
    Skill,
    SkillVisibility,
    StoredFile,
    Workflow,
    WorkflowExecution,
)


def is_platform_admin(principal: Principal) -> bool:
    """Platform admins (and maintainers) see and manage everything."""
    return principal.is_admin or principal.is_maintainer


def require_admin(principal: Principal) -> None:
    """Only platform admins pass."""
    if not is_platform_admin(principal):
        raise Forbidden("Access denied", details="This action requires the platform admin role.")


def can_view_project(principal: Principal, project: str) -> bool:
    """Members and platform admins see a project."""
    return is_platform_admin(principal) or project in principal.projects


def can_manage_project(principal: Principal, project: str) -> bool:
    """Project admins and platform admins manage a project (members, settings, shared integrations)."""
    return is_platform_admin(principal) or principal.projects.get(project, False)


def ensure_project_visible(principal: Principal, project: str) -> None:
    """404 unless the caller may see the project."""
    if not can_view_project(principal, project):
        raise NotFound("Project not found", details={"project": project})


def ensure_project_manageable(principal: Principal, project: str) -> None:
    """404 for outsiders, 403 for members who are not project admins."""
    ensure_project_visible(principal, project)
    if not can_manage_project(principal, project):
        raise Forbidden("Access denied", details="Only project admins may do this.")


def can_manage_projects_of_any_user(principal: Principal) -> bool:
    """Admin user management (assigning anybody anywhere)."""
    return is_platform_admin(principal)


def ensure_owner_or_admin(principal: Principal, owner_id: str | None, what: str) -> None:
    """404 unless the caller owns the object or is a platform admin."""
    if owner_id != principal.user_id and not is_platform_admin(principal):
        raise NotFound(f"{what} not found")


# Assistants (CodeMie's rules): read = shared with the project's members, the creator, the project's admins,
# platform admins, or everyone once published to the marketplace; write/delete = creator, project admins,
# platform admins.


def can_view_assistant(principal: Principal, assistant: Assistant) -> bool:
    """Whether the caller may see (and chat with) an assistant."""
    return (
        assistant.is_global
        or can_edit_assistant(principal, assistant)
        or (assistant.shared and assistant.project in principal.projects)
    )


def can_edit_assistant(principal: Principal, assistant: Assistant) -> bool:
    """Whether the caller may change or delete an assistant."""
    return (
        is_platform_admin(principal)
        or (assistant.created_by is not None and assistant.created_by == principal.user_id)
        or principal.projects.get(assistant.project, False)
    )


def assistant_abilities(principal: Principal, assistant: Assistant) -> list[str]:
    """CodeMie's `user_abilities`: the actions the caller may take on the assistant."""
    if can_edit_assistant(principal, assistant):
        return ["read", "write", "delete"]
    return ["read"] if can_view_assistant(principal, assistant) else []


def ensure_assistant_visible(principal: Principal, assistant: Assistant | None) -> Assistant:
    """The assistant, or 404 when it does not exist or the caller may not see it."""
    if assistant is None or not can_view_assistant(principal, assistant):
        raise NotFound("Assistant not found")
    return assistant


def ensure_assistant_editable(principal: Principal, assistant: Assistant | None) -> Assistant:
    """404 when invisible, 403 when visible but not the caller's to change."""
    found = ensure_assistant_visible(principal, assistant)
    if not can_edit_assistant(principal, found):
        raise Forbidden(
            "Access denied",
            details="Only the assistant's creator, the project's admins and platform admins may change it.",
        )
    return found


def visible_assistants_clause(principal: Principal, *, include_global: bool) -> ColumnElement[bool]:
    """The SQL form of can_view_assistant, for lists; marketplace assistants only when `include_global`."""
    if is_platform_admin(principal):
        return true() if include_global else Assistant.is_global.is_(False)
    members = [name for name in principal.projects]
    admins = [name for name, admin in principal.projects.items() if admin]
    own = or_(
        and_(Assistant.shared.is_(True), Assistant.project.in_(members)),
        Assistant.project.in_(admins),
        Assistant.created_by == principal.user_id,
    )
    return or_(own, Assistant.is_global.is_(True)) if include_global else and_(Assistant.is_global.is_(False), own)


# Integrations: user-scoped ones are personal (their owner alone uses and manages them, platform admins
# included); project-scoped ones are used by the project's members and managed by its admins and platform
# admins. Nobody reads a secret back in clear through the API.


def can_use_integration(principal: Principal, integration: Integration) -> bool:
    """Whether the caller may use (and see, masked) an integration."""
    if integration.setting_type == "user":
        return integration.owner_id == principal.user_id
    return can_view_project(principal, integration.project_name)


def can_manage_integration(principal: Principal, integration: Integration) -> bool:
    """Whether the caller may change or delete an integration."""
    if integration.setting_type == "user":
        return integration.owner_id == principal.user_id
    return can_manage_project(principal, integration.project_name)


def can_transfer_integration(principal: Principal, integration: Integration) -> bool:
    """Moving or copying between projects (admins of both): project integrations, and the caller's own
    user integrations; platform admins transfer every user's, as CodeMie's admins do."""
    if integration.setting_type == "project" or is_platform_admin(principal):
        return True
    return integration.owner_id == principal.user_id


def ensure_integration_usable(principal: Principal, integration: Integration | None) -> Integration:
    """The integration, or 404 when it does not exist or is not the caller's to use."""
    if integration is None or not can_use_integration(principal, integration):
        raise NotFound("Integration not found", details="No integration with this id is available to you.")
    return integration


def ensure_integration_manageable(principal: Principal, integration: Integration | None) -> Integration:
    """404 when invisible, 403 when usable but not the caller's to change."""
    found = ensure_integration_usable(principal, integration)
    if not can_manage_integration(principal, found):
        raise Forbidden("Access denied", details="Only the project's admins may change its integrations.")
    return found


def can_map_integration(principal: Principal, assistant: Assistant, integration: Integration) -> bool:
    """Whether a user of an assistant may have its tools use this integration (their assistant user
    mapping, checked on save and again at use): their own user integration, or a project integration
    they may use; for an assistant not in the marketplace, only one of the assistant's project."""
    if integration.setting_type == "user":
        return integration.owner_id == principal.user_id
    if not can_use_integration(principal, integration):
        return False
    return assistant.is_global or integration.project_name == assistant.project


def ensure_integration_mappable(principal: Principal, assistant: Assistant, integration: Integration | None) -> None:
    """403 (CodeMie's words) unless the caller may map this integration for the assistant."""
    if integration is None or not can_map_integration(principal, assistant, integration):
        raise Forbidden(
            "Integration is not accessible",
            details="The selected integration is not available to your account.",
            help="Choose one of your own integrations or an integration of this assistant's project.",
        )


# The MCP catalogue: system and public entries are seen by everyone, the others by their creator.
# Creators change their own entries; public and system entries are the platform admins' to change.


def can_view_mcp_config(principal: Principal, config: MCPConfig) -> bool:
    """Whether the caller may see (and attach) a catalogue entry."""
    return config.is_system or config.is_public or config.user_id == principal.user_id or is_platform_admin(principal)


def visible_mcp_configs_clause(principal: Principal) -> ColumnElement[bool]:
    """The catalogue entries the caller may see, as a filter."""
    if is_platform_admin(principal):
        return true()
    return or_(MCPConfig.is_system, MCPConfig.is_public, MCPConfig.user_id == principal.user_id)


def ensure_mcp_config_visible(principal: Principal, config: MCPConfig | None) -> MCPConfig:
    """The entry, or 404."""
    if config is None or not can_view_mcp_config(principal, config):
        raise NotFound("MCP configuration not found", details="No MCP configuration with this id is available to you.")
    return config


def ensure_mcp_config_manageable(principal: Principal, config: MCPConfig | None) -> MCPConfig:
    """404 when invisible; 403 unless the caller created it (and it is neither public nor system) or is an admin."""
    found = ensure_mcp_config_visible(principal, config)
    own = found.user_id == principal.user_id and not found.is_public and not found.is_system
    if not (own or is_platform_admin(principal)):
        raise Forbidden(
            "Access denied", details="Only platform admins may change public and system MCP configurations."
        )
    return found


def ensure_may_publish_mcp_config(principal: Principal) -> None:
    """Public entries are seen by everyone: only platform admins publish."""
    if not is_platform_admin(principal):
        raise Forbidden("Access denied", details="is_public: only platform admins may publish an MCP configuration.")


# Skills (CodeMie's rules): read = the creator, the project's members for project skills, everyone for public
# (marketplace) skills, platform admins; change/delete/publish = the creator and platform admins.


def can_view_skill(principal: Principal, skill: Skill) -> bool:
    """Whether the caller may read (and attach) a skill."""
    return (
        skill.created_by == principal.user_id
        or is_platform_admin(principal)
        or skill.visibility == SkillVisibility.PUBLIC
        or (skill.visibility == SkillVisibility.PROJECT and skill.project in principal.projects)
    )


def visible_skills_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL for the skills the caller may read."""
    if is_platform_admin(principal):
        return true()
    return or_(
        Skill.created_by == principal.user_id,
        Skill.visibility == SkillVisibility.PUBLIC,
        and_(Skill.visibility == SkillVisibility.PROJECT, Skill.project.in_(list(principal.projects))),
    )


def ensure_skill_visible(principal: Principal, skill: Skill | None, skill_id: str) -> Skill:
    """The skill, or CodeMie's 404 when it does not exist or is hidden from the caller."""
    if skill is None or not can_view_skill(principal, skill):
        raise not_found("Skill", skill_id)
    return skill


def ensure_skill_editable(principal: Principal, skill: Skill | None, skill_id: str, action: str) -> Skill:
    """404 when hidden, 403 for readers who are neither its creator nor a platform admin."""
    skill = ensure_skill_visible(principal, skill, skill_id)
    if skill.created_by != principal.user_id and not is_platform_admin(principal):
        raise access_denied(action)
    return skill


# Conversations belong to their user alone: anybody else (platform admins included) is told it does not exist.


def can_view_conversation(principal: Principal, conversation: Conversation) -> bool:
    """Whether the caller may read or change a conversation."""
    return conversation.user_id == principal.user_id


def ensure_conversation_owner(principal: Principal, conversation: Conversation | None) -> Conversation:
    """The conversation, or 404 when it does not exist or is someone else's."""
    if conversation is None or not can_view_conversation(principal, conversation):
        raise _conversation_not_found()
    return conversation


def can_read_conversation_as_admin(principal: Principal, conversation: Conversation) -> bool:
    """Read access as CodeMie grants it: the owner, and platform admins (support, feedback review)."""
    return can_view_conversation(principal, conversation) or is_platform_admin(principal)


def ensure_conversation_finishable(principal: Principal, conversation: Conversation | None) -> Conversation:
    """Read access first (404 without it), then ownership (403): only the owner finishes a conversation."""
    if conversation is None or not can_read_conversation_as_admin(principal, conversation):
        raise _conversation_not_found()
    if not can_view_conversation(principal, conversation):
        raise access_denied("finish")
    return conversation


def ensure_conversation_owned(principal: Principal, owner_id: str) -> None:
    """404 unless the caller owns the conversation owned by `owner_id` (when only its owner was loaded)."""
    if owner_id != principal.user_id:
        raise _conversation_not_found()


def ensure_workspace_owned(principal: Principal, owner_id: str | None) -> None:
    """404 unless the caller owns the workspace (a workspace is as private as its conversation); None: there
    is no such workspace, answered the same way."""
    if owner_id is None or owner_id != principal.user_id:
        raise NotFound("Workspace not found", details="No workspace with this id is available to you.")


def _conversation_not_found() -> NotFound:
    return NotFound(
        "Conversation not found",
        details="No conversation with this id is available to you.",
        help="Please verify the conversation ID and try again. If you believe this is an error, contact support.",
    )


# Files uploaded for chats: their owner downloads them, and a holder of a share token that covers the file
# (conversation share links decide that). Nobody else, platform admins included, learns that they exist.


def ensure_file_downloadable(principal: Principal, stored: StoredFile | None, shared: bool) -> StoredFile:
    """The file, or 404 unless the caller owns it or a share token covers it."""
    if stored is None or not (stored.owner_id == principal.user_id or shared):
        raise NotFound("File not found", details="The requested file could not be found.")
    return stored


# Datasources: the creator, project admins and platform admins see and manage one; project members see it
# when it is shared with the project. Everybody else is told it does not exist.


def can_view_datasource(principal: Principal, datasource: Datasource) -> bool:
    """Whether the caller may see a datasource (and search its chunks)."""
    return (
        is_platform_admin(principal)
        or datasource.created_by == principal.user_id
        or principal.projects.get(datasource.project_name, False)
        or (datasource.shared_with_project and datasource.project_name in principal.projects)
    )


def can_manage_datasource(principal: Principal, datasource: Datasource) -> bool:
    """Whether the caller may change, reindex or delete a datasource."""
    return (
        is_platform_admin(principal)
        or datasource.created_by == principal.user_id
        or principal.projects.get(datasource.project_name, False)
    )


def ensure_datasource_visible(principal: Principal, datasource: Datasource | None) -> Datasource:
    """The datasource, or 404 when it does not exist or the caller may not see it."""
    if datasource is None or not can_view_datasource(principal, datasource):
        raise NotFound("Datasource not found", details="No datasource with this id is available to you.")
    return datasource


def ensure_datasource_manageable(principal: Principal, datasource: Datasource | None) -> Datasource:
    """404 when invisible, 403 when visible but not the caller's to change."""
    found = ensure_datasource_visible(principal, datasource)
    if not can_manage_datasource(principal, found):
        raise Forbidden("Access denied", details="Only the datasource's creator or the project's admins may do this.")
    return found


# Workflows follow the assistants' rules (CodeMie's): read = shared with the project's members, the creator,
# the project's admins, platform admins; write/delete = creator, project admins, platform admins.
# An execution is its starter's: others who may see the workflow do not see someone else's runs,
# except those who may change the workflow (creator, project admins, platform admins).


def can_view_workflow(principal: Principal, workflow: Workflow) -> bool:
    """Whether the caller may see (and run) a workflow."""
    return can_edit_workflow(principal, workflow) or (workflow.shared and workflow.project in principal.projects)


def can_edit_workflow(principal: Principal, workflow: Workflow) -> bool:
    """Whether the caller may change or delete a workflow."""
    return (
        is_platform_admin(principal)
        or (workflow.created_by is not None and workflow.created_by == principal.user_id)
        or principal.projects.get(workflow.project, False)
    )


def workflow_abilities(principal: Principal, workflow: Workflow) -> list[str]:
    """The actions the caller may take on the workflow."""
    if can_edit_workflow(principal, workflow):
        return ["read", "write", "delete"]
    return ["read"] if can_view_workflow(principal, workflow) else []


def ensure_workflow_visible(principal: Principal, workflow: Workflow | None) -> Workflow:
    """The workflow, or 404 when it does not exist or the caller may not see it."""
    if workflow is None or not can_view_workflow(principal, workflow):
        raise NotFound("Workflow not found", details="No workflow with this id is available to you.")
    return workflow


def ensure_workflow_editable(principal: Principal, workflow: Workflow | None) -> Workflow:
    """404 when invisible, 403 when visible but not the caller's to change."""
    found = ensure_workflow_visible(principal, workflow)
    if not can_edit_workflow(principal, found):
        raise Forbidden(
            "Access denied",
            details="Only the workflow's creator, the project's admins and platform admins may change it.",
        )
    return found


def visible_workflows_clause(principal: Principal) -> ColumnElement[bool]:
    """The SQL form of can_view_workflow, for lists."""
    if is_platform_admin(principal):
        return true()
    members = list(principal.projects)
    admins = [name for name, admin in principal.projects.items() if admin]
    return or_(
        and_(Workflow.shared.is_(True), Workflow.project.in_(members)),
        Workflow.project.in_(admins),
        Workflow.created_by == principal.user_id,
    )


def ensure_execution_visible(
    principal: Principal, workflow: Workflow, execution: WorkflowExecution | None
) -> WorkflowExecution:
    """The execution of this workflow, or 404 when it is missing or not the caller's to see."""
    if (
        execution is None
        or execution.workflow_id != workflow.id
        or not (execution.user_id == principal.user_id or can_edit_workflow(principal, workflow))
    ):
        raise NotFound("Workflow execution not found", details="No execution with this id is available to you.")
    return execution


@dataclass(frozen=True, slots=True)
class AnalyticsView:
    """Which usage rows a caller reads: everything, or their own plus the projects they administer."""

    everything: bool
    user_id: str
    admin_projects: tuple[str, ...] = ()


def analytics_view(principal: Principal, projects: list[str], users: list[str]) -> AnalyticsView:
    """Admins read everything; project admins their projects; everybody their own spending.

    Naming a project the caller is not a member of, or another user without administering a project, is a 403
    naming the filter (analytics filters are not object ids, so there is nothing to hide by a 404).
    """
    if is_platform_admin(principal):
        return AnalyticsView(True, principal.user_id)
    for project in projects:
        if project not in principal.projects:
            raise Forbidden(
                f"projects: you may not read the analytics of project '{project}'",
                details={"field": "projects", "project": project},
                help="Analytics show your own usage and the projects you administer.",
            )
    admin_projects = tuple(principal.admin_project_names)
    others = [user for user in users if user != principal.user_id]
    if others and not admin_projects:
        raise Forbidden(
            "users: you may only read your own usage",
            details={"field": "users", "users": others},
            help="Project admins read their projects' users; platform admins read everyone's.",
        )
    return AnalyticsView(False, principal.user_id, admin_projects)


def require_budget_admin(principal: Principal) -> None:
    """Budgets, cost centers and the activity log are managed by platform admins."""
    require_admin(principal)
