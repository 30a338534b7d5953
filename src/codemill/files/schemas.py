"""The /v1/files shapes, as CodeMie's SDK reads them."""

from __future__ import annotations

from pydantic import BaseModel


class FileUrl(BaseModel):
    """One stored file: `file_url` is its id, what a chat's `file_names` and GET /v1/files/{id} take."""

    file_url: str


class FailedFile(BaseModel):
    """A file of a bulk upload that was refused, and why."""

    file_name: str
    message: str


class BulkFiles(BaseModel):
    """CodeMie's FileBulkCreateResponse."""

    files: list[FileUrl]
    failed_files: list[FailedFile] | None = None
