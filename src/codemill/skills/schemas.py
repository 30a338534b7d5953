"""API models for skills, as the CodeMie SDK's `skills` service sends and reads them."""

from __future__ import annotations

import posixpath
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from codemill.models import SkillVisibility

NAME_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MIN_CONTENT = 1
MAX_CONTENT = 100_000
MAX_FILES = 50
MAX_FILE_BYTES = 1_000_000
MAX_BUNDLE_BYTES = 5_000_000


class SkillCategory(StrEnum):
    """Marketplace categories."""

    DEVELOPMENT = "development"
    TESTING = "testing"
    CODE_REVIEW = "code_review"
    DOCUMENTATION = "documentation"
    ARCHITECTURE = "architecture"
    DEVOPS = "devops"
    SECURITY = "security"
    DATA_ANALYSIS = "data_analysis"
    PROJECT_MANAGEMENT = "project_management"
    OTHER = "other"


class CompanionFile(BaseModel):
    """A file bundled with a skill (references, scripts, templates), by its relative path."""

    model_config = ConfigDict(extra="ignore")

    path: str = Field(min_length=1, max_length=255)
    mime_type: str = Field(default="text/plain", max_length=100)
    encoding: Literal["text", "base64"] = "text"
    content: str = Field(max_length=MAX_FILE_BYTES * 2)

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        normal = posixpath.normpath(value.replace("\\", "/"))
        if normal.startswith(("/", "../")) or normal in (".", "..") or "/../" in f"/{normal}/":
            raise ValueError("path must be relative and stay inside the skill")
        return normal


class _SkillFields(BaseModel):
    model_config = ConfigDict(extra="ignore")

    visibility: SkillVisibility | None = None
    categories: list[SkillCategory] | None = Field(default=None, max_length=10)
    enabled_builtin_subagents: list[str] | None = Field(default=None, max_length=20)
    mcp_servers: list[dict[str, Any]] | None = Field(default=None, max_length=20)
    companion_files: list[CompanionFile] | None = Field(default=None, max_length=MAX_FILES)


class SkillCreate(_SkillFields):
    """POST /v1/skills."""

    name: str = Field(min_length=1, max_length=64, pattern=NAME_PATTERN)
    description: str = Field(min_length=1, max_length=1024)
    content: str = Field(min_length=MIN_CONTENT, max_length=MAX_CONTENT)
    project: str = Field(min_length=1, max_length=320)


class SkillUpdate(_SkillFields):
    """PUT /v1/skills/{id}: the fields present change."""

    name: str | None = Field(default=None, min_length=1, max_length=64, pattern=NAME_PATTERN)
    description: str | None = Field(default=None, min_length=1, max_length=1024)
    content: str | None = Field(default=None, min_length=MIN_CONTENT, max_length=MAX_CONTENT)
    project: str | None = Field(default=None, min_length=1, max_length=320)


class SkillImport(BaseModel):
    """POST /v1/skills/import: a SKILL.md (YAML front matter with name and description), optionally with its files."""

    model_config = ConfigDict(extra="ignore")

    file_content: str = Field(min_length=1, max_length=MAX_CONTENT + 5_000)
    filename: str = Field(min_length=1, max_length=255)
    project: str = Field(min_length=1, max_length=320)
    visibility: SkillVisibility = SkillVisibility.PROJECT
    companion_files: list[CompanionFile] | None = Field(default=None, max_length=MAX_FILES)


class BundlePreviewOut(BaseModel):
    """POST /v1/skills/import-bundle-preview: what the zip holds, for the import form (nothing stored)."""

    name: str
    description: str
    content: str
    companion_files: list[CompanionFile]


class AttachRequest(BaseModel):
    """POST /v1/assistants/{id}/skills."""

    skill_id: str = Field(min_length=1, max_length=64)


class BulkAttachRequest(BaseModel):
    """POST /v1/skills/{id}/assistants/bulk-attach."""

    assistant_ids: list[str] = Field(min_length=1, max_length=500)


class PublishRequest(BaseModel):
    """POST /v1/skills/{id}/marketplace/publish (categories optional)."""

    categories: list[SkillCategory] | None = None


class ReactionRequest(BaseModel):
    """POST /v1/skills/{id}/reactions."""

    reaction: Literal["like", "dislike"]


class CreatedBy(BaseModel):
    """Who made a skill (the SDK's User)."""

    user_id: str
    username: str
    name: str


class CompanionFileMeta(BaseModel):
    """A companion file without its content."""

    path: str
    mime_type: str
    encoding: str
    size_bytes: int


class CompanionFileOut(CompanionFileMeta):
    """A companion file with its content."""

    content: str


class SkillListOut(BaseModel):
    """A list entry (the SDK's SkillListResponse; CodeMie's camelCase names where it uses them)."""

    id: str
    name: str
    description: str
    project: str
    display_name: str | None
    visibility: SkillVisibility
    categories: list[str]
    createdDate: datetime
    updatedDate: datetime
    enabled_builtin_subagents: list[str]
    mcp_servers: list[dict[str, Any]]
    created_by: CreatedBy | None
    is_attached: bool | None = None
    reactionsCount: int
    assistantsCount: int


class SkillDetailOut(SkillListOut):
    """A skill with its instructions and its files' metadata."""

    content: str
    slug: str
    iconUrl: str | None = None
    companion_files: list[CompanionFileMeta]
    bundle_warning: str | None = None


class SkillPageOut(BaseModel):
    """One page of skills."""

    skills: list[SkillListOut]
    page: int
    perPage: int
    total: int
    pages: int


class CategoryOut(BaseModel):
    """A category."""

    value: str
    label: str


class SkillConfigOut(BaseModel):
    """Content and bundle limits."""

    max_content_length: int
    min_content_length: int
    bundle_seed_max_file_count: int
    bundle_seed_max_file_size_bytes: int
    bundle_seed_max_total_size_bytes: int


class MessageOut(BaseModel):
    """A confirmation."""

    message: str


class BulkAttachFailure(BaseModel):
    """An assistant the skill could not be attached to, and why."""

    assistant_id: str
    error: str


class BulkAttachOut(BaseModel):
    """What a bulk attach did."""

    message: str
    success_count: int
    total_requested: int
    failures: list[BulkAttachFailure]


class SkillAssistantOut(BaseModel):
    """An assistant using a skill (the fields of CodeMie's AssistantListResponse a list shows)."""

    id: str
    name: str
    description: str
    project: str
    slug: str | None
    icon_url: str | None


class ReactionOut(BaseModel):
    """The caller's reaction."""

    resourceId: str
    resourceType: str
    reaction: str | None
    reactionAt: str | None


class SkillEventCreate(BaseModel):
    """POST /v1/skills/events (the SDK's SkillEventRequest)."""

    model_config = ConfigDict(extra="ignore")

    session_id: str = Field(min_length=1, max_length=200)
    command: Literal["add", "update", "remove", "list", "find"]
    status: Literal["started", "completed", "failed"]
    scope: Literal["global", "project", "unknown"] | None = None
    error_code: str | None = Field(default=None, max_length=200)
    agent_selection_mode: Literal["explicit", "auto_detected", "prompted", "upstream"] | None = None
    target_agents: list[str] | None = Field(default=None, max_length=50)
    source: str | None = Field(default=None, max_length=500)
    skill_name: str | None = Field(default=None, max_length=200)
    skill_slug: str | None = Field(default=None, max_length=200)
    skill_id: str | None = Field(default=None, max_length=64)
    agent: str = Field(default="codemie-skills", max_length=100)
    agent_version: str | None = Field(default=None, max_length=100)
    repository: str | None = Field(default=None, max_length=500)
    branch: str | None = Field(default=None, max_length=200)
    project: str | None = Field(default=None, max_length=320)
    attributes: dict[str, Any] | None = None


class SkillEventOut(BaseModel):
    """One logged event."""

    skill_slug: str | None
    source: str | None
    target_agents: list[str]
    date: datetime
    command: str
    user_id: str


class SkillStatsOut(BaseModel):
    """Installs and removals of one skill."""

    skill_slug: str | None = None
    installs: int
    removals: int
    by_agent: dict[str, int]


class RecordedOut(BaseModel):
    """An event was stored."""

    message: str
    id: str
