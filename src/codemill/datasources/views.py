"""What the datasources API returns (CodeMie's IndexInfo plus Codemill's progress): the response models and
the one place that builds them. Fields are declared in the order clients have always received them; a
field typed `| MISSING` is absent (not null) from the JSON when it does not apply."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import MISSING, BaseModel, Field

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.datasources.sync import CONFLUENCE, GIT, JIRA
from codemill.kit.api_schemas import IdMessageOut, MessageOut, Pagination
from codemill.kit.json_types import JsonObject
from codemill.models import Assistant, Datasource, DatasourceStatus
from codemill.search.hybrid import SearchHit


class DatasourceCreatorOut(BaseModel):
    user_id: str | None
    username: str
    name: str
    id: str | None


class DatasourceProgressOut(BaseModel):
    items_done: int
    items_total: int
    items_skipped: int
    chunks_done: int
    chunks_total: int


class ProcessingInfoOut(BaseModel):
    """CodeMie's processing counters."""

    total_documents: int
    skipped_documents: int
    documents_count_key: int
    chunks_total: int
    chunks_done: int


class SkippedFileOut(BaseModel):
    path: str
    reason: str


class ConfluenceQueryOut(BaseModel):
    cql: str | None
    max_pages: int | None
    pages_per_request: int | None


class JiraQueryOut(BaseModel):
    jql: str | None


class DatasourceOut(BaseModel):
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
    processing_info: ProcessingInfoOut
    processed_files: list[str]
    skipped_files: list[SkippedFileOut]
    user_abilities: list[str]
    last_commit: str | None
    indexed_at: str | None
    completed: bool
    error: bool
    is_fetching: bool
    is_queued: bool
    current_state: int
    complete_state: int
    current__chunks_state: int
    link: str | MISSING | None = Field(default=MISSING, description="Code datasources only")
    branch: str | MISSING | None = Field(default=MISSING, description="Code datasources only")
    files_filter: str | MISSING | None = Field(default=MISSING, description="Code datasources only")
    confluence: ConfluenceQueryOut | MISSING = Field(default=MISSING, description="Confluence datasources only")
    jira: JiraQueryOut | MISSING = Field(default=MISSING, description="Jira datasources only")


class DatasourceListOut(BaseModel):
    data: list[DatasourceOut]
    pagination: Pagination


class DatasourceIdOut(BaseModel):
    id: str


class IndexingStartedOut(IdMessageOut):
    """Create or update: indexing runs in the background (plus `changed_files`, a count, when files were uploaded)."""

    changed_files: int | MISSING = MISSING


class CancelOut(MessageOut):
    cancelled: bool


class SearchHitOut(BaseModel):
    chunk_id: int
    datasource_id: str
    datasource_name: str
    item_path: str
    ordinal: int
    content: str
    meta: JsonObject
    score: float
    vector_score: float | None
    text_score: float | None
    path_match: bool


class SearchMetadataOut(BaseModel):
    results: list[SearchHitOut]


class SearchOut(BaseModel):
    output: str
    error: str | None
    metadata: SearchMetadataOut


class AssistantCreatorOut(BaseModel):
    user_id: str | None


class UsingAssistantOut(BaseModel):
    id: str
    name: str
    slug: str | None
    created_by: AssistantCreatorOut


class StorageStatsOut(BaseModel):
    index_name: str
    size_in_bytes: int


class ContextOptionOut(BaseModel):
    """A datasource an assistant may use as context."""

    name: str
    context_type: str
    id: str


def datasource(
    ds: Datasource,
    principal: Principal,
    processed: list[str] | None = None,
    skipped: list[tuple[str, str]] | None = None,
) -> DatasourceOut:
    """A datasource as CodeMie returns it (IndexInfo), plus Codemill's status and progress."""
    abilities = ["read"]
    if policy.can_manage_datasource(principal, ds):
        abilities += ["write", "delete"]
    conf = ds.config or {}
    out = DatasourceOut(
        id=ds.id,
        project_name=ds.project_name,
        repo_name=ds.name,
        full_name=ds.name,
        description=ds.description,
        index_type=ds.index_type,
        embeddings_model=ds.embeddings_model or None,
        setting_id=ds.setting_id,
        date=ds.created_at.isoformat(),
        update_date=ds.updated_at.isoformat(),
        created_by=DatasourceCreatorOut(
            user_id=ds.created_by,
            username=ds.creator.get("username", ""),
            name=ds.creator.get("name", ""),
            id=ds.created_by,
        ),
        project_space_visible=ds.shared_with_project,
        text=ds.error_message or "",
        status=ds.status,
        progress=DatasourceProgressOut(
            items_done=ds.items_done,
            items_total=ds.items_total,
            items_skipped=ds.items_skipped,
            chunks_done=ds.chunks_done,
            chunks_total=ds.chunks_total,
        ),
        processing_info=ProcessingInfoOut(
            total_documents=ds.items_total,
            skipped_documents=ds.items_skipped,
            documents_count_key=ds.items_done,
            chunks_total=ds.chunks_total,
            chunks_done=ds.chunks_done,
        ),
        processed_files=processed or [],
        # Codemill's: files that were not indexed, each with the reason (refused past a cap, unreadable).
        skipped_files=[SkippedFileOut(path=path, reason=reason) for path, reason in skipped or []],
        user_abilities=abilities,
        last_commit=ds.last_commit,
        indexed_at=ds.indexed_at.isoformat() if ds.indexed_at else None,
        # CodeMie's flags, from which the SDK derives its status.
        completed=ds.status == DatasourceStatus.INDEXED,
        error=ds.status == DatasourceStatus.FAILED,
        is_fetching=ds.status == DatasourceStatus.INDEXING and ds.items_total == 0,
        is_queued=ds.status == DatasourceStatus.PENDING,
        current_state=ds.items_done,
        complete_state=ds.items_total,
        current__chunks_state=ds.chunks_done,
    )
    if ds.index_type == GIT:
        out.link, out.branch, out.files_filter = conf.get("link"), conf.get("branch"), conf.get("files_filter")
    elif ds.index_type == CONFLUENCE:
        out.confluence = ConfluenceQueryOut(
            cql=conf.get("cql"), max_pages=conf.get("max_pages"), pages_per_request=conf.get("pages_per_request")
        )
    elif ds.index_type == JIRA:
        out.jira = JiraQueryOut(jql=conf.get("jql"))
    return out


def listing(
    found: Sequence[Datasource], total: int, principal: Principal, page: int, per_page: int
) -> DatasourceListOut:
    """A page of datasources, with status and progress."""
    return DatasourceListOut(
        data=[datasource(ds, principal) for ds in found],
        pagination=Pagination(page=page, per_page=per_page, total=total),
    )


def started(ds: Datasource, name: str | None = None, changed_files: int | None = None) -> IndexingStartedOut:
    """Indexing of `ds` runs in the background."""
    message = f"Indexing of datasource {name or ds.name} has been started in the background"
    if changed_files is None:
        return IndexingStartedOut(message=message, id=ds.id)
    return IndexingStartedOut(message=message, id=ds.id, changed_files=changed_files)


def acknowledged(ds: Datasource, message: str) -> IndexingStartedOut:
    """A change to `ds` that starts no indexing (or starts it with its own message)."""
    return IndexingStartedOut(message=message, id=ds.id)


def code_updated(ds: Datasource, name: str, mode: str | None) -> IndexingStartedOut:
    """A git datasource updated, and the reindex it started (`mode` None: none)."""
    if mode is None:
        return acknowledged(ds, f"{name} updated successfully!")
    kind = {"full": "Full reindexing", "resume": "Indexing"}.get(mode, "Incremental reindexing")
    return acknowledged(ds, f"{kind} of datasource {name} has been started in the background")


def search_results(hits: list[SearchHit], names: dict[str, str], text: str) -> SearchOut:
    """Search results: the text a model reads, and each chunk with where it comes from and its scores."""
    return SearchOut(
        output=text,
        error=None,
        metadata=SearchMetadataOut(
            results=[
                SearchHitOut(
                    chunk_id=h.chunk_id,
                    datasource_id=h.datasource_id,
                    datasource_name=names.get(h.datasource_id, ""),
                    item_path=h.item_path,
                    ordinal=h.ordinal,
                    content=h.content,
                    meta=h.meta,
                    score=h.score,
                    vector_score=h.vector_score,
                    text_score=h.text_score,
                    path_match=h.path_match,
                )
                for h in hits
            ]
        ),
    )


def using_assistant(assistant: Assistant) -> UsingAssistantOut:
    """An assistant that has the datasource in its context."""
    return UsingAssistantOut(
        id=assistant.id,
        name=assistant.name,
        slug=assistant.slug,
        created_by=AssistantCreatorOut(user_id=assistant.created_by),
    )


def storage_stats(ds: Datasource, size_in_bytes: int) -> StorageStatsOut:
    """Index statistics (CodeMie's name; the chunks live in PostgreSQL)."""
    return StorageStatsOut(index_name=f"datasource_chunks:{ds.id}", size_in_bytes=size_in_bytes)


def context_option(ds: Datasource) -> ContextOptionOut:
    """A datasource as an assistant's context option."""
    return ContextOptionOut(name=ds.name, context_type="code" if ds.index_type == GIT else "knowledge_base", id=ds.id)
