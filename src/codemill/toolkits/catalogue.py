"""The toolkits an assistant may enable, as CodeMie names them, and the tools its `toolkits` select.

An assistant's `toolkits` entry (CodeMie's ToolKitDetails) names a toolkit and its tools; an entry
with no tools enables the whole toolkit. A tool's `settings.id` (or its toolkit's) pins the
integration it uses; otherwise the integrations feature picks one (the caller's, then the project's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codemill.models import Assistant
from codemill.settings import Settings
from codemill.toolkits.a2a import A2A_DESCRIPTION, a2a_agent_tool
from codemill.toolkits.atlassian import CONFLUENCE_DESCRIPTION, JIRA_DESCRIPTION, confluence_tool, jira_tool
from codemill.toolkits.aws import AWS_DESCRIPTION, aws_tool
from codemill.toolkits.azure_devops import TEST_PLAN_OPERATIONS, WIKI_OPERATIONS, WORK_ITEM_OPERATIONS
from codemill.toolkits.base import Binding
from codemill.toolkits.code_executor import CODE_EXECUTOR_DESCRIPTION, code_executor_tool
from codemill.toolkits.diagrams import DIAGRAM_DESCRIPTION, mermaid_diagram_tool
from codemill.toolkits.git_api import (
    AZURE_DEVOPS_GIT_DESCRIPTION,
    GITHUB_DESCRIPTION,
    GITLAB_DESCRIPTION,
    azure_devops_git_tool,
    github_tool,
    gitlab_tool,
)
from codemill.toolkits.git_hosts import GIT_OPERATIONS
from codemill.toolkits.kubernetes import KUBERNETES_DESCRIPTION, kubernetes_tool
from codemill.toolkits.sql import SQL_DESCRIPTION, sql_tool
from codemill.toolkits.web import SCRAPER_DESCRIPTION, web_scraper_tool
from codemill.toolkits.web_search import SEARCH_DESCRIPTION, configured, web_search_tool
from codemill.tools import registry
from codemill.tools.base import Tool, ToolContext


@dataclass(frozen=True, slots=True)
class ToolEntry:
    """One tool of a toolkit: its CodeMie name, the credential type it needs, and how it is built."""

    name: str
    label: str
    description: str
    credential_type: str | None
    build: Callable[[Binding], Tool]
    # Whether the server offers the tool at all (e.g. web search only with a provider key).
    available: Callable[[Settings | None], bool] = lambda _settings: True


@dataclass(frozen=True, slots=True)
class ToolkitEntry:
    """A toolkit (CodeMie's ToolSet name) and its tools."""

    name: str
    description: str
    tools: tuple[ToolEntry, ...]


TOOLKITS: tuple[ToolkitEntry, ...] = (
    ToolkitEntry(
        "Git",
        "Branches, files and merge/pull requests on GitLab and GitHub (a Git integration holds the token).",
        tuple(ToolEntry(op.name, op.label, op.description, "Git", op.build) for op in GIT_OPERATIONS),
    ),
    ToolkitEntry(
        "VCS",
        "Any call of the GitLab, GitHub or Azure DevOps REST API (a Git or AzureDevOps integration holds the token).",
        (
            ToolEntry("gitlab", "GitLab", GITLAB_DESCRIPTION, "Git", gitlab_tool),
            ToolEntry("github", "GitHub", GITHUB_DESCRIPTION, "Git", github_tool),
            ToolEntry(
                "azure_devops_git",
                "Azure DevOps Git",
                AZURE_DEVOPS_GIT_DESCRIPTION,
                "AzureDevOps",
                azure_devops_git_tool,
            ),
        ),
    ),
    *(
        ToolkitEntry(
            name,
            description,
            tuple(ToolEntry(op.name, op.label, op.description, "AzureDevOps", op.build) for op in operations),
        )
        for name, description, operations in (
            ("Azure DevOps Work Item", "Search, read, create, update and comment on work items.", WORK_ITEM_OPERATIONS),
            ("Azure DevOps Wiki", "Read, create and update wiki pages.", WIKI_OPERATIONS),
            ("Azure DevOps Test Plan", "Read test plans, suites and test cases.", TEST_PLAN_OPERATIONS),
        )
    ),
    ToolkitEntry(
        "Project Management",
        "Jira and Confluence through their REST APIs (a Jira or Confluence integration holds the site and token).",
        (
            ToolEntry("generic_jira_tool", "Generic Jira", JIRA_DESCRIPTION, "Jira", jira_tool),
            ToolEntry(
                "generic_confluence_tool", "Generic Confluence", CONFLUENCE_DESCRIPTION, "Confluence", confluence_tool
            ),
        ),
    ),
    ToolkitEntry(
        "Data Management",
        "Queries on the databases of SQL integrations (read-only unless the integration allows writes), and Python "
        "run in an isolated sandbox.",
        (
            ToolEntry("sql", "SQL", SQL_DESCRIPTION, "SQL", sql_tool),
            ToolEntry("code_executor", "Code Executor", CODE_EXECUTOR_DESCRIPTION, None, code_executor_tool),
        ),
    ),
    ToolkitEntry(
        "Cloud",
        "AWS and Kubernetes API calls (read-only unless the integration allows writes).",
        (
            ToolEntry("AWS", "AWS", AWS_DESCRIPTION, "AWS", aws_tool),
            ToolEntry("Kubernetes", "Kubernetes", KUBERNETES_DESCRIPTION, "Kubernetes", kubernetes_tool),
        ),
    ),
    ToolkitEntry(
        "Research",
        "Reading web pages (public addresses only), and web search when the server has a search provider key.",
        (
            ToolEntry("web_scrapper", "Web Scraper", SCRAPER_DESCRIPTION, None, web_scraper_tool),
            ToolEntry("web_search", "Web Search", SEARCH_DESCRIPTION, None, web_search_tool, configured),
        ),
    ),
    ToolkitEntry(
        "A2A",
        "A remote A2A agent as a sub-assistant (an A2A integration holds its URL and credentials).",
        (ToolEntry("a2a_agent", "Remote A2A agent", A2A_DESCRIPTION, "A2A", a2a_agent_tool),),
    ),
    ToolkitEntry(
        "Diagrams",
        "Mermaid diagrams, checked by rendering them (the chat draws them).",
        (ToolEntry("mermaid_diagram", "Mermaid diagram", DIAGRAM_DESCRIPTION, None, mermaid_diagram_tool),),
    ),
)


def all_toolkits(settings: Settings | None = None) -> list[dict[str, Any]]:
    """Every toolkit an assistant may enable: the built-in ones (tools.registry) and the integrations' ones."""
    return [*registry.toolkits(), *toolkit_details(settings)]


def toolkit_details(settings: Settings | None = None) -> list[dict[str, Any]]:
    """The toolkits in the SDK's ToolKitDetails shape (what /v1/assistants/tools lists)."""
    return [
        {
            "toolkit": kit.name,
            "label": kit.name,
            "description": kit.description,
            "settings_config": any(t.credential_type for t in kit.tools),
            "is_external": False,
            "tools": [
                {
                    "name": tool.name,
                    "label": tool.label,
                    "description": tool.description,
                    "user_description": tool.description,
                    "settings_config": tool.credential_type is not None,
                    "credential_type": tool.credential_type,
                }
                for tool in kit.tools
                if tool.available(settings)
            ],
        }
        for kit in TOOLKITS
    ]


def _settings_id(holder: Any) -> str | None:
    settings = holder.get("settings") if isinstance(holder, dict) else None
    found = settings.get("id") if isinstance(settings, dict) else None
    return found if isinstance(found, str) and found else None


def _tool_entry(name: str) -> ToolEntry | None:
    return next((t for kit in TOOLKITS for t in kit.tools if t.name == name), None)


def selected(assistant: Assistant, settings: Settings | None = None) -> list[tuple[ToolEntry, str | None]]:
    """The toolkit tools the assistant enables, each with the integration id its entry pins."""
    chosen: dict[str, tuple[ToolEntry, str | None]] = {}
    for entry in assistant.toolkits or []:
        if not isinstance(entry, dict):
            continue
        kit = next((k for k in TOOLKITS if k.name.lower() == str(entry.get("toolkit", "")).lower()), None)
        listed = [t for t in entry.get("tools") or [] if isinstance(t, dict) and t.get("name")]
        if kit is not None and not listed:
            for tool in kit.tools:
                chosen.setdefault(tool.name, (tool, _settings_id(entry)))
            continue
        for item in listed:
            # A tool listed under another toolkit's name still counts: tool names are unique.
            found = _tool_entry(str(item["name"]))
            if found is not None:
                chosen.setdefault(found.name, (found, _settings_id(item) or _settings_id(entry)))
    return [pair for pair in chosen.values() if pair[0].available(settings)]


async def tools_for(assistant: Assistant, ctx: ToolContext) -> list[Tool]:
    """The toolkit tools of an assistant's chat, bound to the assistant and their pinned integration."""
    return [
        tool.build(Binding(assistant, integration_id)) for tool, integration_id in selected(assistant, ctx.settings)
    ]
