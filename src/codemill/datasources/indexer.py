"""The indexing job: sync the source, then chunk, embed and store every pending item, with progress.

Idempotent by construction: chunk keys are unique per datasource and inserts skip existing keys, and an
item is marked done in the same transaction as its last chunks, so a job killed anywhere resumes
(in any worker) without duplicates. Between batches the job checks for a cancel request (-> paused).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.datasources import repository
from codemill.datasources.credentials import credentials_of
from codemill.datasources.sources.documents import DocumentError, document_text, fetched_text
from codemill.datasources.sources.git import Repository
from codemill.datasources.sync import FILE, GIT, SyncResult, sync_items
from codemill.db.statements import relax_commit_durability
from codemill.jobs.queue import AbortReason, JobAborted, JobContext, JobQueue
from codemill.kit.outbound import OutboundClient
from codemill.models import Datasource, DatasourceStatus, IndexingMode
from codemill.models.base import utcnow
from codemill.search.chunking import Chunk, chunk_item
from codemill.search.embeddings import Embedder
from codemill.search.hybrid import vector_literal
from codemill.settings import Settings

log = logging.getLogger(__name__)

TASK = "index_datasource"
# Skipped files named (with their reasons) in the datasource's status message.
SKIPPED_SHOWN = 10


@dataclass
class IndexingEnv:
    """What the job needs from the process (put in the worker's context)."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    embedder: Embedder
    outbound: OutboundClient


async def index_datasource(context: JobContext, datasource_id: str, mode: str = IndexingMode.FULL) -> None:
    """The procrastinate task."""
    env: IndexingEnv = context.additional_context["indexing"]
    job = context.job
    last_attempt = job is None or (job.attempts + 1) >= env.settings.jobs.max_attempts
    if job is not None and job.attempts > 0 and mode == IndexingMode.FULL:
        # A retried full reindex already cleared the datasource in its first attempt: carry on from there.
        mode = IndexingMode.RESUME
    await Indexer(env, datasource_id, mode, context).run(last_attempt=last_attempt)


class Indexer:
    """One run of the indexing job for one datasource."""

    def __init__(self, env: IndexingEnv, datasource_id: str, mode: str, context: JobContext | None) -> None:
        self.env = env
        self.datasource_id = datasource_id
        self.mode = mode
        self.context = context
        self.sync: SyncResult | None = None
        self.totals: dict[str, int] = {}

    async def run(self, last_attempt: bool = True) -> None:
        try:
            ds = await self._start()
            if ds is None:
                return
            pending = await self._sync(ds)
            await self._embed_all(ds, pending)
            await self._finish()
        except JobAborted:
            await self._set_status(DatasourceStatus.PAUSED, "Indexing was cancelled; resume to continue.")
            raise
        except asyncio.CancelledError:
            # procrastinate cancels an async job when a user aborts it, or when its worker shuts down
            # (then the job is retried and resumes where it stopped).
            reason = self.context.abort_reason() if self.context is not None else None
            if reason == AbortReason.USER_REQUEST:
                await self._set_status(DatasourceStatus.PAUSED, "Indexing was cancelled; resume to continue.")
                raise JobAborted() from None  # not retried (a CancelledError would be)
            else:
                await self._set_status(DatasourceStatus.PENDING, "Worker stopped; indexing will resume.")
            raise
        except Exception as exc:
            log.exception("indexing failed", extra={"datasource_id": self.datasource_id})
            message = f"{type(exc).__name__}: {exc}"
            await self._set_status(
                DatasourceStatus.FAILED if last_attempt else DatasourceStatus.PENDING,
                message if last_attempt else f"retrying: {message}",
            )
            raise

    def _check_abort(self) -> None:
        if self.context is not None and self.context.should_abort():
            raise JobAborted()

    async def _start(self) -> Datasource | None:
        async with self.env.sessions() as session:
            ds = await repository.get_for_update(session, self.datasource_id)
            if ds is None:
                return None
            model = self.env.embedder.model
            if ds.embeddings_model and ds.embeddings_model != model:
                self.mode = IndexingMode.FULL  # never mix vectors of two models
            ds.embeddings_model = model
            ds.status, ds.error_message = DatasourceStatus.INDEXING, None
            await session.commit()
            return ds

    async def _sync(self, ds: Datasource) -> dict[str, list[Chunk]]:
        async with self.env.sessions() as session:
            ds_locked = await repository.get_for_update(session, self.datasource_id)
            assert ds_locked is not None
            creds = await credentials_of(session, ds_locked)
            result = await sync_items(session, ds_locked, self.mode, self.env.settings, self.env.outbound, creds)
            self.sync = result
            pending_paths = await repository.item_paths(session, ds.id, "pending", limit=10_000_000)
            chunks = await self._chunk_items(session, ds_locked, pending_paths, result)
            counts = await repository.counts(session, ds.id)
            ds_locked.items_total = sum(v for k, v in counts.items() if k in ("pending", "done", "skipped"))
            ds_locked.items_done = counts.get("done", 0)
            ds_locked.items_skipped = counts.get("skipped", 0)
            already = counts["chunks"] - counts["done_chunks"]  # chunks of pending items left by a killed run
            ds_locked.chunks_total = counts["done_chunks"] + sum(len(c) for c in chunks.values())
            ds_locked.chunks_done = counts["done_chunks"] + max(already, 0)
            await session.commit()
            return chunks

    async def _chunk_items(
        self, session: AsyncSession, ds: Datasource, paths: list[str], result: SyncResult
    ) -> dict[str, list[Chunk]]:
        conf = self.env.settings.datasources
        # Repository files are chunked without overlap, so their chunks reassemble the file (read_file).
        overlap = 0 if ds.index_type == GIT else conf.chunk_overlap_chars
        texts: dict[str, str | Exception] = {}
        if ds.index_type == GIT and result.repo is not None:
            texts = await asyncio.to_thread(_read_repository_files, result.repo, paths)
        else:
            for path in paths:
                try:
                    texts[path] = await self._item_text(session, ds, path)
                except (DocumentError, OSError, UnicodeError) as exc:
                    texts[path] = exc
        readable = {p: t for p, t in texts.items() if isinstance(t, str)}
        chunks = await asyncio.to_thread(
            lambda: {p: chunk_item(p, t, conf.chunk_chars, overlap) for p, t in readable.items()}
        )
        items = await repository.items(session, ds.id)
        for path, found_text in texts.items():
            if isinstance(found_text, Exception):
                items[path].state, items[path].error = "skipped", str(found_text)[:2000]
        for path, found in chunks.items():
            if not found:  # empty document: nothing to search, but it is indexed
                items[path].state, items[path].chunk_count = "done", 0
        await session.flush()
        return {p: c for p, c in chunks.items() if c}

    async def _item_text(self, session: AsyncSession, ds: Datasource, path: str) -> str:
        content = await repository.item_content(session, ds.id, path)
        if content is None:
            raise DocumentError(f"{path}: content missing")
        if ds.index_type == FILE:
            return await asyncio.to_thread(document_text, path, content, self.env.settings.extraction)
        return fetched_text(path, content, self.env.settings.extraction)

    async def _embed_all(self, ds: Datasource, chunks: dict[str, list[Chunk]]) -> None:
        """Embed batch N+1 while batch N is written; commit per batch, items done with their last chunk."""
        flat = [(path, chunk) for path, found in chunks.items() for chunk in found]
        remaining = {path: len(found) for path, found in chunks.items()}
        self.totals = dict(remaining)
        size = max(self.env.embedder.batch_size * 2, 16)
        batches = [flat[i : i + size] for i in range(0, len(flat), size)]
        if not batches:
            return
        embedder = self.env.embedder
        upcoming = asyncio.create_task(embedder.embed([self._embed_text(p, c) for p, c in batches[0]]))
        for number, batch in enumerate(batches):
            vectors = await upcoming
            if number + 1 < len(batches):
                upcoming = asyncio.create_task(embedder.embed([self._embed_text(p, c) for p, c in batches[number + 1]]))
            await self._store(ds, batch, vectors, remaining)
            try:
                self._check_abort()
            except JobAborted:
                if number + 1 < len(batches):
                    upcoming.cancel()
                raise

    @staticmethod
    def _embed_text(path: str, chunk: Chunk) -> str:
        return f"{path}\n{chunk.text}"

    async def _store(
        self, ds: Datasource, batch: list[tuple[str, Chunk]], vectors: list[list[float]], remaining: dict[str, int]
    ) -> None:
        dims = len(vectors[0])
        rows = [
            (
                path,
                chunk.key(path),
                chunk.ordinal,
                chunk.text.replace("\0", ""),
                json.dumps(chunk.meta),
                vector_literal(v),
            )
            for (path, chunk), v in zip(batch, vectors, strict=True)
        ]
        done: dict[str, int] = {}
        for path, _ in batch:
            remaining[path] -= 1
            if remaining[path] == 0:
                done[path] = self.totals[path]  # every chunk of the item is stored now (earlier runs' too)
        async with self.env.sessions() as session:
            # A crash may lose the last batches' commits: they are redone (idempotently) when the job resumes.
            await relax_commit_durability(session)
            inserted = await repository.insert_chunks(session, ds.id, dims, rows)
            await repository.mark_items_done(session, ds.id, done)
            await repository.advance_progress(session, ds.id, dims, inserted, len(done))
            await session.commit()

    async def _finish(self) -> None:
        async with self.env.sessions() as session:
            ds = await repository.get_for_update(session, self.datasource_id)
            if ds is None:
                return
            counts = await repository.counts(session, ds.id)
            ds.items_done = counts.get("done", 0)
            ds.items_skipped = counts.get("skipped", 0)
            ds.items_total = ds.items_done + ds.items_skipped + counts.get("pending", 0)
            ds.chunks_done = ds.chunks_total = counts["chunks"]
            skipped = await repository.skipped_items(session, ds.id, limit=SKIPPED_SHOWN) if ds.items_skipped else []
            ds.status, ds.error_message = outcome(ds.items_done, ds.items_skipped, skipped)
            if self.sync is not None and self.sync.commit:
                ds.last_commit = self.sync.commit
            ds.indexed_at = utcnow()
            ds.job_id = None
            await session.commit()

    async def _set_status(self, status: DatasourceStatus, message: str | None) -> None:
        async with self.env.sessions() as session:
            ds = await repository.get_for_update(session, self.datasource_id)
            if ds is not None:
                ds.status, ds.error_message = status, message
                await session.commit()


def outcome(done: int, skipped: int, reasons: list[tuple[str, str]]) -> tuple[DatasourceStatus, str | None]:
    """The finished job's status and message: skipped files are named with their reasons, and a datasource
    of which nothing could be indexed has failed (never "indexed" with nothing in it)."""
    if not skipped:
        return DatasourceStatus.INDEXED, None
    listed = "; ".join(reason if reason.startswith(path) else f"{path}: {reason}" for path, reason in reasons)
    more = f" (and {skipped - len(reasons)} more)" if skipped > len(reasons) else ""
    if not done:
        return DatasourceStatus.FAILED, f"Nothing was indexed: {skipped} file(s) skipped: {listed}{more}"
    return DatasourceStatus.INDEXED, f"{skipped} of {done + skipped} file(s) skipped: {listed}{more}"


def _read_repository_files(repo: Repository, paths: list[str]) -> dict[str, str | Exception]:
    """Text of repository files (binary files are skipped)."""
    texts: dict[str, str | Exception] = {}
    for path in paths:
        try:
            raw = repo.read(path)
        except OSError as exc:
            texts[path] = exc
            continue
        texts[path] = UnicodeError("binary file") if b"\0" in raw[:8192] else raw.decode("utf-8", errors="replace")
    return texts


def register(queue: JobQueue) -> None:
    """Register the indexing task on the process's job queue."""
    queue.register(TASK, index_datasource)
