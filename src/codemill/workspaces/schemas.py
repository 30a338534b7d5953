"""API models of /v1/workspaces, with the field names of the SDK's workspace models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WorkspaceCreate(BaseModel):
    """POST /v1/workspaces."""

    conversation_id: str = Field(min_length=1, max_length=128)
    name: str | None = Field(default=None, max_length=200)


class WorkspaceOut(BaseModel):
    """A workspace (the SDK's Workspace)."""

    id: str
    conversation_id: str
    user_id: str | None = None
    name: str | None = None
    status: str | None = None


class WorkspaceFileWrite(BaseModel):
    """PUT /v1/workspaces/{id}/files: a text file's path and content."""

    file_path: str = Field(min_length=1, max_length=512)
    content: str


class WorkspaceFileItemOut(BaseModel):
    """One file listed (the SDK's WorkspaceFileItem)."""

    path: str
    mime_type: str | None = None
    checksum: str | None = None
    size: int | None = None
    version: int | None = None


class WorkspaceFileContentOut(WorkspaceFileItemOut):
    """A file with its content: text, or base64 for binary content (the SDK's WorkspaceFileContent)."""

    is_binary: bool = False
    content: str | None = None
    content_encoding: str | None = None


class WorkspaceDeleteFileOut(BaseModel):
    """DELETE /v1/workspaces/{id}/files (the SDK's WorkspaceDeleteFileResponse)."""

    message: str
    deleted: bool


class WorkspaceExecute(BaseModel):
    """POST /v1/workspaces/{id}/execute."""

    script_path: str = Field(min_length=1, max_length=512)
    export_files: list[str] | None = Field(default=None, max_length=100)


class WorkspaceExecuteOut(BaseModel):
    """A script's run (the SDK's ExecuteWorkspaceScriptResponse)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    message: str
    output: str
    workspace_files: list[WorkspaceFileItemOut] = Field(default_factory=list, alias="workspaceFiles")
    warnings: list[str] = Field(default_factory=list)
