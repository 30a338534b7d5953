"""Datasource logic: create, update, reindex, list, delete, cancel. Takes a session, never commits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.datasources import repository
from codemill.datasources.credentials import ensure_setting_usable as ensure_setting_usable
from codemill.datasources.indexer import TASK
from codemill.datasources.schemas import (
    CodeCreate,
    CodeUpdate,
    ConfluenceCreate,
    DatasourceBase,
    JiraCreate,
    KnowledgeBaseUpdate,
)
from codemill.datasources.sources.documents import SUPPORTED, is_supported
from codemill.datasources.sync import CONFLUENCE, FILE, GIT, JIRA, content_hash
from codemill.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, Unprocessable
from codemill.jobs.queue import cancel_in, defer_in
from codemill.kit.json_types import JsonObject
from codemill.models import Assistant, Datasource, DatasourceItem, DatasourceStatus, IndexingMode
from codemill.settings import Settings


@dataclass
class Upload:
    """An uploaded file, already read (and size-checked) by the router."""

    filename: str
    content: bytes
    mime_type: str | None


def check_upload(settings: Settings, filename: str, size: int) -> None:
    """413 past the size limit, 422 for a type that cannot be indexed."""
    limit = settings.datasources.max_file_bytes
    if size > limit:
        raise PayloadTooLarge(
            f"File '{filename}' is too large to index",
            details={"file": filename, "size_bytes": size, "max_bytes": limit},
            help=f"Files up to {limit // 1_048_576} MiB can be indexed (CODEMILL_DATASOURCES__MAX_FILE_BYTES).",
        )
    if not is_supported(filename):
        raise Unprocessable(
            f"File type of '{filename}' is not supported",
            details={"file": filename, "supported": sorted(set(SUPPORTED))},
        )


async def _new(
    session: AsyncSession, principal: Principal, project: str, name: str, index_type: str, **fields: Any
) -> Datasource:
    policy.ensure_project_visible(principal, project)
    if await repository.by_name(session, project, name) is not None:
        raise Conflict(
            "Index already exists",
            details=f"An index with the name '{name}' already exists in the project '{project}'.",
            help="Please choose a different name for your index or use the existing index.",
        )
    ds = Datasource(
        project_name=project,
        name=name,
        index_type=index_type,
        created_by=principal.user_id,
        creator={"username": principal.username, "name": principal.name},
        status=DatasourceStatus.PENDING,
        items_total=0,
        items_done=0,
        items_skipped=0,
        chunks_total=0,
        chunks_done=0,
        embeddings_model="",
        embedding_dims=0,
        **fields,
    )
    session.add(ds)
    await session.flush()
    return ds


async def schedule(session: AsyncSession, ds: Datasource, mode: str, settings: Settings) -> int:
    """Queue an indexing job in this transaction (the job and the status change commit together)."""
    if mode not in tuple(IndexingMode):
        raise BadRequest(f"Unknown reindex mode {mode!r}")
    ds.status, ds.error_message = DatasourceStatus.PENDING, None
    ds.job_id = await defer_in(
        session, settings.jobs.queue, TASK, {"datasource_id": ds.id, "mode": mode}, lock=f"datasource:{ds.id}"
    )
    await session.flush()
    return ds.job_id


async def create_code(
    session: AsyncSession, principal: Principal, project: str, body: CodeCreate, settings: Settings
) -> Datasource:
    """A git datasource; indexing starts in the background."""
    link = body.link.strip()
    if not link.startswith("https://") and not (
        settings.datasources.allow_insecure_http and link.startswith("http://")
    ):
        raise Unprocessable("Repository link must be an https:// URL", details={"field": "link", "value": link})
    await ensure_setting_usable(session, principal, project, GIT, body.setting_id, link)
    ds = await _new(
        session, principal, project, body.name, GIT,
        description=body.description or "",
        shared_with_project=body.project_space_visible,
        setting_id=body.setting_id,
        config={"link": link, "branch": body.branch or "main", "files_filter": body.files_filter or ""},
    )  # fmt: skip
    await schedule(session, ds, IndexingMode.FULL, settings)
    return ds


async def create_files(
    session: AsyncSession, principal: Principal, fields: DatasourceBase, uploads: list[Upload], settings: Settings
) -> Datasource:
    """A file datasource from uploads; the files are stored with it so any worker can index them."""
    if not uploads:
        raise BadRequest("No files uploaded", details={"field": "files"})
    if len(uploads) > settings.datasources.max_files_per_upload:
        raise PayloadTooLarge(f"Too many files (at most {settings.datasources.max_files_per_upload} per request)")
    ds = await _new(
        session, principal, fields.project_name, fields.name, FILE,
        description=fields.description or "",
        shared_with_project=fields.project_space_visible,
        config={},
    )  # fmt: skip
    await add_files(session, ds, uploads)
    await schedule(session, ds, IndexingMode.FULL, settings)
    return ds


async def add_files(session: AsyncSession, ds: Datasource, uploads: list[Upload]) -> int:
    """Store uploads as items; an unchanged file (same content hash) stays indexed. New/changed count."""
    known = await repository.items(session, ds.id)
    changed = 0
    for upload in uploads:
        digest = content_hash(upload.content)
        item = known.get(upload.filename)
        if item is not None and item.content_hash == digest:
            continue
        if item is None:
            item = DatasourceItem(datasource_id=ds.id, path=upload.filename, chunk_count=0)
            session.add(item)
            known[upload.filename] = item
        else:
            await repository.delete_chunks(session, ds.id, [upload.filename])
        item.content_hash, item.content, item.mime_type, item.state, item.error = (
            digest, upload.content, upload.mime_type, "pending", None,
        )  # fmt: skip
        changed += 1
    await session.flush()
    return changed


async def create_knowledge_base(
    session: AsyncSession, principal: Principal, body: ConfluenceCreate | JiraCreate, settings: Settings
) -> Datasource:
    """A Confluence (cql) or Jira (jql) datasource."""
    if isinstance(body, ConfluenceCreate):
        index_type = CONFLUENCE
        config: dict[str, str | int | None] = {
            "cql": body.cql, "max_pages": body.max_pages, "pages_per_request": body.pages_per_request,
        }  # fmt: skip
    else:
        index_type, config = JIRA, {"jql": body.jql}
    await ensure_setting_usable(session, principal, body.project_name, index_type, body.setting_id, None)
    ds = await _new(
        session, principal, body.project_name, body.name, index_type,
        description=body.description or "",
        shared_with_project=body.project_space_visible,
        setting_id=body.setting_id,
        config=dict(config),
    )  # fmt: skip
    await schedule(session, ds, IndexingMode.FULL, settings)
    return ds


async def manageable_by_name(session: AsyncSession, principal: Principal, project: str, name: str) -> Datasource:
    """By project and name, for a change (404/403)."""
    return policy.ensure_datasource_manageable(principal, await repository.by_name(session, project, name))


async def visible(session: AsyncSession, principal: Principal, datasource_id: str) -> Datasource:
    """By id, for reading (404 when invisible)."""
    return policy.ensure_datasource_visible(principal, await repository.get(session, datasource_id))


@dataclass(frozen=True)
class DatasourceChanges:
    """What an update changes (None: keep): metadata, and what is indexed (link, branch, filter, query)."""

    description: str | None = None
    project_space_visible: bool | None = None
    setting_id: str | None = None
    source: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, body: CodeUpdate | KnowledgeBaseUpdate) -> DatasourceChanges:
        """The changes an update request asks for."""
        source = (
            {"link": body.link, "branch": body.branch, "files_filter": body.files_filter}
            if isinstance(body, CodeUpdate)
            else {"cql": body.cql, "jql": body.jql}
        )
        return cls(body.description, body.project_space_visible, body.setting_id, source)


def apply_update(ds: Datasource, changes: DatasourceChanges) -> bool:
    """Apply metadata/config changes; True when what is indexed changed (link, branch, filter, query)."""
    source_changed = False
    if changes.description is not None:
        ds.description = changes.description
    if changes.project_space_visible is not None:
        ds.shared_with_project = changes.project_space_visible
    if changes.setting_id is not None:
        ds.setting_id = changes.setting_id or None
    config = dict(ds.config)
    for key, value in changes.source.items():
        if value is not None and value != config.get(key):
            config[key] = value
            source_changed = True
    ds.config = config
    return source_changed


@dataclass(frozen=True)
class ReindexRequest:
    """An update's reindex flags."""

    full: bool = False
    skip: bool = False
    resume: bool = False


def reindex_mode(full: bool, incremental: bool, resume: bool, default: str | None) -> str | None:
    """Which job an update asks for (None: metadata only)."""
    if full:
        return IndexingMode.FULL
    if resume:
        return IndexingMode.RESUME
    if incremental:
        return IndexingMode.INCREMENTAL
    return default


async def update_code(
    session: AsyncSession,
    principal: Principal,
    project: str,
    name: str,
    body: CodeUpdate,
    reindex: ReindexRequest,
    settings: Settings,
) -> tuple[Datasource, str | None]:
    """Update a git datasource and schedule its reindex; returns it and the mode scheduled (None: none).

    By default an incremental reindex; another repository or branch starts over, another filter reconciles
    the tree (unchanged files stay)."""
    ds = await manageable_by_name(session, principal, project, name)
    link = body.link or str(ds.config.get("link") or "")
    await ensure_setting_usable(session, principal, project, ds.index_type, body.setting_id, link)
    previous = dict(ds.config)
    source_changed = apply_update(ds, DatasourceChanges.of(body))
    if reindex.skip:
        return ds, None
    moved = any(previous.get(k) != ds.config.get(k) for k in ("link", "branch"))
    default = IndexingMode.FULL if moved else IndexingMode.RECONCILE if source_changed else IndexingMode.INCREMENTAL
    mode = reindex_mode(reindex.full, False, reindex.resume, default)
    assert mode is not None
    await schedule(session, ds, mode, settings)
    return ds, mode


async def update_knowledge_base(
    session: AsyncSession,
    principal: Principal,
    index_type: str,
    body: KnowledgeBaseUpdate,
    mode: str | None,
    settings: Settings,
) -> tuple[Datasource, str | None]:
    """Update a Confluence or Jira datasource; a changed query reindexes it in full. Returns it and the mode
    scheduled (None: none)."""
    ds = await manageable_by_name(session, principal, body.project_name, body.name)
    if ds.index_type != index_type:
        raise Unprocessable(f"Datasource {body.name} is not a {index_type} datasource")
    await ensure_setting_usable(session, principal, ds.project_name, index_type, body.setting_id, None)
    changed = apply_update(ds, DatasourceChanges.of(body))
    if mode is None and changed:
        mode = IndexingMode.FULL
    if mode is not None:
        await schedule(session, ds, mode, settings)
    return ds, mode


async def cancel(session: AsyncSession, ds: Datasource) -> bool:
    """Stop indexing: a queued job is cancelled, a running one aborts at its next batch (status paused)."""
    if ds.job_id is None or ds.status not in (DatasourceStatus.PENDING, DatasourceStatus.INDEXING):
        return False
    cancelled = await cancel_in(session, ds.job_id)
    if ds.status == DatasourceStatus.PENDING:
        ds.status, ds.error_message = DatasourceStatus.PAUSED, "Indexing was cancelled; resume to continue."
    await session.flush()
    return cancelled


async def delete(session: AsyncSession, ds: Datasource) -> None:
    """Delete the datasource, its items and chunks; stop its job."""
    if ds.job_id is not None:
        await cancel_in(session, ds.job_id)
    await session.delete(ds)
    await session.flush()


def parse_filters(raw: str | None) -> JsonObject:
    """The list endpoint's JSON `filters` parameter."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadRequest("Invalid filters", details="Filters must be a valid encoded JSON object.") from exc
    if not isinstance(value, dict):
        raise BadRequest("Invalid filters", details="Filters must be a JSON object.")
    return value


async def visible_in_project(session: AsyncSession, principal: Principal, project: str) -> list[Datasource]:
    """Datasources of a project the caller may see (assistant context)."""
    policy.ensure_project_visible(principal, project)
    found, _ = await repository.list_visible(
        session, principal, policy.is_platform_admin(principal), filters={"project": [project]},
        sort_key="update_date", descending=True, page=0, per_page=1000,
    )  # fmt: skip
    return found


def require_found(ds: Datasource | None, what: str) -> Datasource:
    """404 for a missing datasource."""
    if ds is None:
        raise NotFound(f"{what} not found")
    return ds


async def list_visible(
    session: AsyncSession,
    principal: Principal,
    filters: str | None,
    sort_key: str,
    descending: bool,
    page: int,
    per_page: int,
) -> tuple[list[Datasource], int]:
    """One page of the datasources the caller may see, and how many there are."""
    return await repository.list_visible(
        session, principal, policy.is_platform_admin(principal), filters=parse_filters(filters),
        sort_key=sort_key, descending=descending, page=page, per_page=per_page,
    )  # fmt: skip


async def find_visible_by_name(
    session: AsyncSession, principal: Principal, project: str, name: str, index_type: str
) -> Datasource:
    """A datasource of this type by name (404 when missing or not visible)."""
    ds = await repository.by_name(session, project, name)
    return policy.ensure_datasource_visible(principal, ds if ds is None or ds.index_type == index_type else None)


async def files_of(session: AsyncSession, ds: Datasource) -> tuple[list[str], list[tuple[str, str]]]:
    """The processed files and the skipped ones with their reasons (first 1000 of each)."""
    processed = await repository.item_paths(session, ds.id, "done", limit=1000)
    return processed, await repository.skipped_items(session, ds.id, limit=1000)


async def manageable(session: AsyncSession, principal: Principal, datasource_id: str) -> Datasource:
    """A datasource the caller may change (404/403 otherwise)."""
    return policy.ensure_datasource_manageable(principal, await repository.get(session, datasource_id))


async def delete_committed(session: AsyncSession, principal: Principal, datasource_id: str) -> Datasource:
    """Delete a datasource and commit at once: its clone on disk may go only once the delete is durable."""
    ds = await manageable(session, principal, datasource_id)
    await delete(session, ds)
    await session.commit()
    return ds


async def assistants_using(session: AsyncSession, principal: Principal, ds: Datasource) -> list[Assistant]:
    """Assistants visible to the caller that have the datasource in their context."""
    return [a for a in await repository.assistants_using(session, ds) if policy.can_view_assistant(principal, a)]


async def storage_bytes(session: AsyncSession, ds: Datasource) -> int:
    """How much the datasource's chunks take in PostgreSQL."""
    return await repository.storage_bytes(session, ds.id)
