"""API models of datasources (CodeMie's index shapes) and the response builder."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.kit.api_schemas import IdMessageOut, MessageOut, OpenOut, Pagination
from codemill.kit.params import INT32_MAX
from codemill.models import Datasource, DatasourceStatus

NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
BRANCH = re.compile(r"^(?!-)(?!.*\.\.)[A-Za-z0-9._/+-]+$")


def _name(value: str) -> str:
    if not NAME.fullmatch(value):
        raise ValueError("Name must contain only lowercase letters, digits, '_' and '-', and start with a letter")
    return value


class DatasourceBase(BaseModel):
    """Fields every create request carries (CodeMie's names; unknown extras are ignored as CodeMie does)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    name: str = Field(min_length=1, max_length=100)
    project_name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=500)
    project_space_visible: bool = Field(default=False, alias="project_space_visible")
    setting_id: str | None = None
    embedding_model: str | None = None

    _check_name = field_validator("name")(_name)


def _branch(value: str | None) -> str | None:
    if value is not None and not BRANCH.fullmatch(value):
        raise ValueError("Branch must be a git branch name (letters, digits, '.', '_', '/', '+', '-')")
    return value


class CodeCreate(DatasourceBase):
    """POST /v1/application/{project}/index (the SDK sends camelCase)."""

    link: str = Field(min_length=1, max_length=1000)
    branch: str = Field(default="main", min_length=1, max_length=1000)
    files_filter: str | None = Field(default="", alias="filesFilter")
    index_type: str | None = Field(default="code", alias="indexType")
    embeddings_model: str | None = Field(default=None, alias="embeddingsModel")
    project_space_visible: bool = Field(default=False, alias="projectSpaceVisible")
    setting_id: str | None = Field(default=None, alias="settingId")

    _check_branch = field_validator("branch")(_branch)


class CodeUpdate(BaseModel):
    """PUT /v1/application/{project}/index/{name}: fields to change (None: keep)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    description: str | None = Field(default=None, max_length=500)
    link: str | None = Field(default=None, max_length=1000)
    branch: str | None = Field(default=None, max_length=1000)
    files_filter: str | None = Field(default=None, alias="filesFilter")
    project_space_visible: bool | None = Field(default=None, alias="projectSpaceVisible")
    setting_id: str | None = Field(default=None, alias="settingId")

    _check_branch = field_validator("branch")(_branch)


class ConfluenceCreate(DatasourceBase):
    """POST /v1/index/knowledge_base/confluence."""

    cql: str = Field(min_length=1, max_length=4000)
    max_pages: int | None = Field(default=None, ge=1, le=INT32_MAX)
    pages_per_request: int | None = Field(default=None, ge=1, le=250)


class JiraCreate(DatasourceBase):
    """POST /v1/index/knowledge_base/jira."""

    jql: str = Field(min_length=1, max_length=4000)


class KnowledgeBaseUpdate(BaseModel):
    """PUT /v1/index/knowledge_base/{type}: identifies the datasource by project and name."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    name: str
    project_name: str
    description: str | None = Field(default=None, max_length=500)
    project_space_visible: bool | None = None
    setting_id: str | None = None
    cql: str | None = None
    jql: str | None = None


class SearchParams(BaseModel):
    """CodeMie's code_search_params."""

    model_config = ConfigDict(extra="ignore")

    top_k: int = Field(default=10, ge=1, le=100)


class SearchRequest(BaseModel):
    """POST /v1/index/{id}/search."""

    model_config = ConfigDict(extra="ignore")

    query: str = Field(min_length=1, max_length=4000)
    top_k: int | None = Field(default=None, ge=1, le=100)
    code_search_params: SearchParams | None = None

    @property
    def limit(self) -> int:
        """How many results."""
        return self.top_k or (self.code_search_params.top_k if self.code_search_params else 10)


def sdk_status(ds: Datasource) -> dict[str, bool]:
    """CodeMie's flags, from which the SDK derives its status."""
    return {
        "completed": ds.status == DatasourceStatus.INDEXED,
        "error": ds.status == DatasourceStatus.FAILED,
        "is_fetching": ds.status == DatasourceStatus.INDEXING and ds.items_total == 0,
        "is_queued": ds.status == DatasourceStatus.PENDING,
    }


def datasource_out(
    ds: Datasource,
    principal: Principal,
    processed: list[str] | None = None,
    skipped: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """A datasource as CodeMie returns it (IndexInfo), plus Codemill's status and progress."""
    abilities = ["read"]
    if policy.can_manage_datasource(principal, ds):
        abilities += ["write", "delete"]
    conf = ds.config or {}
    out: dict[str, Any] = {
        "id": ds.id,
        "project_name": ds.project_name,
        "repo_name": ds.name,
        "full_name": ds.name,
        "description": ds.description,
        "index_type": ds.index_type,
        "embeddings_model": ds.embeddings_model or None,
        "setting_id": ds.setting_id,
        "date": ds.created_at.isoformat(),
        "update_date": ds.updated_at.isoformat(),
        "created_by": {
            "user_id": ds.created_by,
            "id": ds.created_by,
            "username": ds.creator.get("username", ""),
            "name": ds.creator.get("name", ""),
        },
        "project_space_visible": ds.shared_with_project,
        "text": ds.error_message or "",
        "status": ds.status,
        "progress": {
            "items_done": ds.items_done,
            "items_total": ds.items_total,
            "items_skipped": ds.items_skipped,
            "chunks_done": ds.chunks_done,
            "chunks_total": ds.chunks_total,
        },
        "current_state": ds.items_done,
        "complete_state": ds.items_total,
        "current__chunks_state": ds.chunks_done,
        "processing_info": {
            "total_documents": ds.items_total,
            "skipped_documents": ds.items_skipped,
            "documents_count_key": ds.items_done,
            "chunks_total": ds.chunks_total,
            "chunks_done": ds.chunks_done,
        },
        "processed_files": processed or [],
        # Codemill's: files that were not indexed, each with the reason (refused past a cap, unreadable).
        "skipped_files": [{"path": path, "reason": reason} for path, reason in skipped or []],
        "user_abilities": abilities,
        "last_commit": ds.last_commit,
        "indexed_at": ds.indexed_at.isoformat() if ds.indexed_at else None,
        **sdk_status(ds),
    }
    if ds.index_type == "code":
        out.update({k: conf.get(k) for k in ("link", "branch", "files_filter")})
    elif ds.index_type == "knowledge_base_confluence":
        out["confluence"] = {k: conf.get(k) for k in ("cql", "max_pages", "pages_per_request")}
    elif ds.index_type == "knowledge_base_jira":
        out["jira"] = {"jql": conf.get("jql")}
    return out


# Responses (what `datasource_out` shapes: CodeMie's IndexInfo plus Codemill's progress).
class DatasourceCreatorOut(OpenOut):
    user_id: str | None
    username: str
    name: str


class DatasourceProgressOut(BaseModel):
    items_done: int
    items_total: int
    items_skipped: int
    chunks_done: int
    chunks_total: int


class SkippedFileOut(BaseModel):
    path: str
    reason: str


class DatasourceOut(OpenOut):
    """A datasource; per type it adds link/branch/files_filter (code), `confluence` or `jira`."""

    id: str
    project_name: str
    repo_name: str
    full_name: str
    description: str | None
    index_type: str
    embeddings_model: str | None
    setting_id: str | None
    date: str
    update_date: str
    created_by: DatasourceCreatorOut
    project_space_visible: bool
    text: str
    status: str
    progress: DatasourceProgressOut
    processing_info: dict[str, int]
    processed_files: list[str]
    skipped_files: list[SkippedFileOut]
    user_abilities: list[str]
    last_commit: str | None
    indexed_at: str | None
    completed: bool
    error: bool
    is_fetching: bool
    is_queued: bool


class DatasourceListOut(BaseModel):
    data: list[DatasourceOut]
    pagination: Pagination


class DatasourceIdOut(BaseModel):
    id: str


class IndexingStartedOut(IdMessageOut):
    """Create or update: indexing runs in the background (plus `changed_files`, a count, when files were uploaded)."""


class CancelOut(MessageOut):
    cancelled: bool


class SearchHitOut(OpenOut):
    chunk_id: int
    datasource_id: str
    datasource_name: str
    item_path: str
    ordinal: int
    content: str
    meta: dict[str, Any]
    score: float
    vector_score: float | None
    text_score: float | None


class SearchMetadataOut(BaseModel):
    results: list[SearchHitOut]


class SearchOut(BaseModel):
    output: str
    error: str | None
    metadata: SearchMetadataOut


class UsingAssistantOut(BaseModel):
    id: str
    name: str
    slug: str | None
    created_by: dict[str, str | None]


class StorageStatsOut(BaseModel):
    index_name: str
    size_in_bytes: int


class ContextOptionOut(BaseModel):
    """A datasource an assistant may use as context."""

    name: str
    context_type: str
    id: str
