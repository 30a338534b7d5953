"""/v1/files: upload files for chats (one or several), download one (owner or share-token holder)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response

from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Session
from codemill.errors import BadRequest, CodemillError, Unprocessable
from codemill.files import service
from codemill.files.schemas import BulkFiles, FailedFile, FileUrl

router = APIRouter(prefix="/v1", tags=["Files"])

# Shown in place (the browser renders them as what they are); everything else is an attachment.
_INLINE = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf")


async def _read(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes, at most one past the limit (the check then refuses it)."""
    return await file.read(limit + 1)


@router.post("/files/", response_model=FileUrl)
async def upload_file(
    session: Session, principal: CurrentPrincipal, settings: AppSettings, file: Annotated[UploadFile, File()]
) -> FileUrl:
    """Store one file; its `file_url` goes into a chat's `file_names`."""
    content = await _read(file, settings.files.max_file_bytes)
    stored = await service.upload(session, principal, file.filename, content, settings.files)
    return FileUrl(file_url=stored.id)


@router.post("/files/bulk", response_model=BulkFiles)
async def upload_files(
    session: Session, principal: CurrentPrincipal, settings: AppSettings, files: Annotated[list[UploadFile], File()]
) -> BulkFiles:
    """Store several files; those refused are listed in `failed_files` with the reason."""
    if not files:
        raise BadRequest("No files provided", details="No files were provided for upload.")
    limit = settings.files.max_files_per_bulk
    if len(files) > limit:
        raise Unprocessable(
            f"Too many files. Maximum count is {limit}",
            details=f"Received {len(files)} files but the maximum allowed is {limit}.",
            help="Please split your upload into multiple requests.",
        )
    stored: list[FileUrl] = []
    failed: list[FailedFile] = []
    for file in files:
        content = await _read(file, settings.files.max_file_bytes)
        try:
            saved = await service.upload(session, principal, file.filename, content, settings.files)
        except CodemillError as exc:
            reason = exc.details if isinstance(exc.details, str) else exc.message
            failed.append(FailedFile(file_name=file.filename or "", message=reason))
            continue
        stored.append(FileUrl(file_url=saved.id))
    return BulkFiles(files=stored, failed_files=failed or None)


@router.get(
    "/files/{file_name}",
    response_class=Response,
    responses={
        200: {
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The file's bytes",
        }
    },
)
async def download_file(
    file_name: str,
    session: Session,
    principal: CurrentPrincipal,
    share_token: Annotated[str | None, Query()] = None,
) -> Response:
    """The file's bytes, for its owner or the holder of a share token that covers it (404 otherwise)."""
    # CodeMie names the segment file_name; it holds the `file_url` (the id) an upload returned.
    stored, content = await service.download(session, principal, file_name, share_token)
    inline = stored.mime_type in _INLINE
    ascii_name = stored.name.encode("ascii", "ignore").decode().replace('"', "").replace(";", "_") or "download"
    disposition = f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(stored.name, safe='')}"
    media_type = (
        stored.mime_type
        if inline
        else ("text/plain; charset=utf-8" if stored.mime_type.startswith("text/") else "application/octet-stream")
    )
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
