"""HTTP for datasources, as the CodeMie SDK calls it: /v1/index… and /v1/application/{project}/index…"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from pydantic import ValidationError

from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Session
from codemill.datasources import retrieval, service, views
from codemill.datasources.dependencies import AppEmbedder
from codemill.datasources.schemas import CodeCreate, CodeUpdate, DatasourceBase, SearchRequest
from codemill.datasources.service import Upload
from codemill.datasources.sync import FILE, remove_clone
from codemill.datasources.views import (
    CancelOut,
    DatasourceIdOut,
    DatasourceListOut,
    DatasourceOut,
    IndexingStartedOut,
    SearchOut,
    StorageStatsOut,
    UsingAssistantOut,
)
from codemill.errors import PayloadTooLarge, Unprocessable
from codemill.kit.api_schemas import MessageOut
from codemill.kit.params import PageNumber
from codemill.settings import Settings

router = APIRouter(prefix="/v1", tags=["Datasources"])

FilesParam = Annotated[list[UploadFile] | None, File()]


async def read_uploads(settings: Settings, files: list[UploadFile] | None) -> list[Upload]:
    """Read uploads, refusing a file past the size limit as soon as it is known (413)."""
    if len(files or []) > settings.datasources.max_files_per_upload:
        raise PayloadTooLarge(
            f"Too many files (at most {settings.datasources.max_files_per_upload} per request)",
            details={"field": "files", "count": len(files or [])},
            help="The limit is advertised as fileDatasourceMaxUploadCount by GET /v1/info.",
        )
    uploads = []
    for upload in files or []:
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        if not name:
            raise Unprocessable("Uploaded file has no name", details={"field": "files"})
        content = await upload.read(settings.datasources.max_file_bytes + 1)
        service.check_upload(settings, name, len(content))
        uploads.append(Upload(name, content, upload.content_type))
    return uploads


@router.get("/index", response_model=DatasourceListOut)
async def list_datasources(
    session: Session,
    principal: CurrentPrincipal,
    filters: str | None = None,
    sort_key: str = "update_date",
    sort_order: str = "desc",
    page: PageNumber = 0,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 10,
) -> DatasourceListOut:
    """Datasources the caller may see, with status and progress."""
    found, total = await service.list_visible(
        session, principal, filters, sort_key, sort_order != "asc", page, per_page
    )
    return views.listing(found, total, principal, page, per_page)


@router.get("/index/find_id", response_model=DatasourceIdOut)
async def find_id(
    session: Session, principal: CurrentPrincipal, name: str, index_type: str, project_name: str | None = None
) -> DatasourceIdOut:
    """A datasource's id by name."""
    project = project_name or principal.current_project
    ds = await service.find_visible_by_name(session, principal, project, name, index_type)
    return DatasourceIdOut(id=ds.id)


@router.get("/index/{datasource_id}", response_model=DatasourceOut)
async def get_datasource(session: Session, principal: CurrentPrincipal, datasource_id: str) -> DatasourceOut:
    """One datasource with its processed files."""
    ds = await service.visible(session, principal, datasource_id)
    processed, skipped = await service.files_of(session, ds)
    return views.datasource(ds, principal, processed, skipped)


@router.delete("/index/{datasource_id}", response_model=MessageOut)
async def delete_datasource(
    settings: AppSettings, session: Session, principal: CurrentPrincipal, datasource_id: str
) -> MessageOut:
    """Delete a datasource and everything indexed from it."""
    ds = await service.delete_committed(session, principal, datasource_id)
    # The clone on this machine goes now; workers on other machines sweep theirs when they start.
    await asyncio.to_thread(remove_clone, settings, ds.id)
    return MessageOut(message=f"Index {ds.name} was deleted successfully")


@router.post("/index/{datasource_id}/cancel", response_model=CancelOut)
async def cancel_indexing(session: Session, principal: CurrentPrincipal, datasource_id: str) -> CancelOut:
    """Stop indexing (status becomes paused; resume_indexing continues without redoing finished items)."""
    ds = await service.manageable(session, principal, datasource_id)
    cancelled = await service.cancel(session, ds)
    return CancelOut(
        message="Indexing cancellation requested" if cancelled else "Nothing to cancel", cancelled=cancelled
    )


@router.post("/index/{datasource_id}/search", response_model=SearchOut)
async def search_datasource(
    embedder: AppEmbedder, session: Session, principal: CurrentPrincipal, datasource_id: str, body: SearchRequest
) -> SearchOut:
    """Hybrid search in one datasource: the chunks, each with its fused, vector and text scores."""
    ds = await service.visible(session, principal, datasource_id)
    hits = await retrieval.search(session, principal, embedder, [ds], body.query, body.limit)
    names = {ds.id: ds.name}
    return views.search_results(hits, names, retrieval.hits_text(hits, names))


@router.get("/index/{datasource_id}/assistants", response_model=list[UsingAssistantOut])
async def assistants_using(
    session: Session, principal: CurrentPrincipal, datasource_id: str
) -> list[UsingAssistantOut]:
    """Assistants (visible to the caller) that have this datasource in their context."""
    ds = await service.visible(session, principal, datasource_id)
    found = await service.assistants_using(session, principal, ds)
    return [views.using_assistant(a) for a in found]


@router.get("/index/{datasource_id}/elasticsearch", response_model=StorageStatsOut)
async def storage_stats(session: Session, principal: CurrentPrincipal, datasource_id: str) -> StorageStatsOut:
    """Index statistics (CodeMie's name; the chunks live in PostgreSQL)."""
    ds = await service.visible(session, principal, datasource_id)
    return views.storage_stats(ds, await service.storage_bytes(session, ds))


@router.post("/application/{project}/index", status_code=201, response_model=IndexingStartedOut)
async def create_code_datasource(
    settings: AppSettings, session: Session, principal: CurrentPrincipal, project: str, body: CodeCreate
) -> IndexingStartedOut:
    """A git repository datasource; indexing starts in the background."""
    ds = await service.create_code(session, principal, project, body, settings)
    return views.started(ds)


@router.put("/application/{project}/index/{name}", status_code=201, response_model=IndexingStartedOut)
async def update_code_datasource(
    settings: AppSettings,
    session: Session,
    principal: CurrentPrincipal,
    project: str,
    name: str,
    body: CodeUpdate,
    full_reindex: bool = False,
    skip_reindex: bool = False,
    resume_indexing: bool = False,
) -> IndexingStartedOut:
    """Update a git datasource; by default an incremental reindex (only files changed since the last commit)."""
    reindex = service.ReindexRequest(full=full_reindex, skip=skip_reindex, resume=resume_indexing)
    ds, mode = await service.update_code(session, principal, project, name, body, reindex, settings)
    return views.code_updated(ds, name, mode)


@router.post("/index/knowledge_base/file", response_model=IndexingStartedOut)
async def create_file_datasource(
    settings: AppSettings,
    session: Session,
    principal: CurrentPrincipal,
    name: str,
    project_name: str,
    description: str = "",
    project_space_visible: bool = False,
    files: FilesParam = None,
) -> IndexingStartedOut:
    """A datasource from uploaded documents (multipart `files`)."""
    try:
        fields = DatasourceBase(name=name, project_name=project_name, description=description,
                                project_space_visible=project_space_visible)  # fmt: skip
    except ValidationError as exc:
        raise Unprocessable("Invalid datasource", details=exc.errors(include_url=False, include_context=False)) from exc
    uploads = await read_uploads(settings, files)
    ds = await service.create_files(session, principal, fields, uploads, settings)
    return views.started(ds)


@router.put("/index/knowledge_base/file", response_model=IndexingStartedOut)
async def update_file_datasource(
    settings: AppSettings,
    session: Session,
    principal: CurrentPrincipal,
    name: str,
    project_name: str,
    description: str | None = None,
    project_space_visible: bool | None = None,
    full_reindex: bool = False,
    skip_reindex: bool = False,
    resume_indexing: bool = False,
    incremental_reindex: bool = False,
    files: FilesParam = None,
) -> IndexingStartedOut:
    """Update a file datasource: new or changed files (by content hash) are indexed; unchanged ones are kept."""
    ds = await service.manageable_by_name(session, principal, project_name, name)
    if ds.index_type != FILE:
        raise Unprocessable(f"Datasource {name} is not a file datasource")
    service.apply_update(ds, service.DatasourceChanges(description, project_space_visible))
    changed = await service.add_files(session, ds, await read_uploads(settings, files))
    default = "incremental" if changed else None
    mode = None if skip_reindex else service.reindex_mode(full_reindex, incremental_reindex, resume_indexing, default)
    if mode is None:
        return views.acknowledged(ds, "Edit successful")
    await service.schedule(session, ds, mode, settings)
    return views.started(ds, name, changed_files=changed)
