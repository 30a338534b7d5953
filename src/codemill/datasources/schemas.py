"""API request models of datasources (CodeMie's index shapes); the responses are in `views.py`."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from codemill.kit.params import INT32_MAX

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
