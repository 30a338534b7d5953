"""Bring a datasource's items up to date with its source before embedding: which items are pending.

files: uploads are stored by the API (content hash decides what is new); git: the diff between the
last indexed commit and the new head (incremental) or the whole tree (full/resume); Confluence and
Jira: every page/issue the query finds, compared by content hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.datasources import repository
from codemill.datasources.sources import atlassian
from codemill.datasources.sources.git import Repository, check_repo_url, files_filter
from codemill.kit.outbound import OutboundClient
from codemill.models import Datasource, DatasourceItem, IndexingMode
from codemill.settings import Settings

GIT = "code"
FILE = "knowledge_base_file"
CONFLUENCE = "knowledge_base_confluence"
JIRA = "knowledge_base_jira"


@dataclass
class Credentials:
    """What a source needs to authenticate (resolved from integrations by the caller)."""

    url: str | None = None
    username: str | None = None
    token: str | None = None


@dataclass
class SyncResult:
    """What the sync learned: the commit to index (git) and the repository handle for reading files."""

    commit: str | None = None
    repo: Repository | None = None


def git_root(settings: Settings, datasource_id: str) -> Path:
    """Where a git datasource's working clone lives."""
    return settings.data_dir / "git" / datasource_id


def remove_clone(settings: Settings, datasource_id: str) -> None:
    """Delete a datasource's working clone on this machine (nothing if it has none here)."""
    shutil.rmtree(git_root(settings, datasource_id), ignore_errors=True)


async def sweep_clones(session: AsyncSession, settings: Settings) -> list[str]:
    """Delete the clones on this machine whose datasource no longer exists (deleted while it was down,
    or deleted through an API process on another machine); the ids removed."""
    root = settings.data_dir / "git"
    if not root.is_dir():
        return []
    local = [p.name for p in root.iterdir() if p.is_dir()]
    alive = await repository.existing_ids(session, local)
    gone = [name for name in local if name not in alive]
    for name in gone:
        await asyncio.to_thread(remove_clone, settings, name)
    return gone


async def sync_items(
    session: AsyncSession,
    ds: Datasource,
    mode: str,
    settings: Settings,
    outbound: OutboundClient,
    creds: Credentials | None,
) -> SyncResult:
    """Mark new/changed items pending, drop deleted ones. `mode`: full | incremental | resume | reconcile."""
    if mode == IndexingMode.FULL:
        await repository.delete_chunks(session, ds.id)
        await repository.reset_items(session, ds.id)
    if ds.index_type == GIT:
        return await _sync_git(session, ds, mode, settings, outbound, creds)
    if ds.index_type in (CONFLUENCE, JIRA):
        await _sync_pages(session, ds, mode, settings, outbound, creds)
    return SyncResult()


async def _sync_git(
    session: AsyncSession,
    ds: Datasource,
    mode: str,
    settings: Settings,
    outbound: OutboundClient,
    creds: Credentials | None,
) -> SyncResult:
    link = str(ds.config.get("link") or "")
    await check_repo_url(link, outbound, settings.datasources.allow_insecure_http)
    repo = Repository(
        git_root(settings, ds.id),
        link,
        str(ds.config.get("branch") or "main"),
        creds.token if creds else None,
        creds.username if creds else None,
        settings.datasources.git_timeout_seconds,
    )
    head = await repo.fetch()
    # A resumed job indexes the commit its first attempt chose, so its chunks line up.
    target = str(ds.config.get("target_commit") or head) if mode == IndexingMode.RESUME else head
    if not await repo.has_commit(target):
        target = head
    ds.config = {**ds.config, "target_commit": target}
    await repo.checkout(target)
    spec = files_filter(ds.config.get("files_filter"))
    limit = settings.datasources.max_repo_file_bytes
    tree = await repo.tree(target)
    wanted = {p: v for p, v in tree.items() if v[1] <= limit and not (spec and spec.match_file(p))}
    known = await repository.items(session, ds.id)
    last = ds.last_commit
    if mode == IndexingMode.INCREMENTAL and last and last != target and await repo.has_commit(last):
        changes = await repo.diff(last, target)
        for change in changes:
            if change.old_path:
                await repository.delete_items(session, ds.id, [change.old_path])
                known.pop(change.old_path, None)
            if change.status == "D" or change.path not in wanted:
                await repository.delete_items(session, ds.id, [change.path])
                known.pop(change.path, None)
                continue
            await _upsert_pending(session, ds.id, known, change.path, wanted[change.path][0])
        await session.flush()
        return SyncResult(target, repo)
    if mode == IndexingMode.INCREMENTAL and last == target:
        return SyncResult(target, repo)
    gone = [p for p in known if p not in wanted]
    await repository.delete_items(session, ds.id, gone)
    for path, (blob, _) in wanted.items():
        item = known.get(path)
        if item is None or item.content_hash != blob:
            await _upsert_pending(session, ds.id, known, path, blob)
    await session.flush()
    return SyncResult(target, repo)


async def _upsert_pending(
    session: AsyncSession,
    datasource_id: str,
    known: dict[str, DatasourceItem],
    path: str,
    content_hash: str,
    **extra: Any,
) -> None:
    item = known.get(path)
    if item is None:
        item = DatasourceItem(
            datasource_id=datasource_id, path=path, content_hash=content_hash, state="pending", chunk_count=0, **extra
        )
        session.add(item)  # flushed with the others, in one go
        known[path] = item
    else:
        await repository.delete_chunks(session, datasource_id, [path])
        item.content_hash, item.state, item.chunk_count, item.error = content_hash, "pending", 0, None
        for key, value in extra.items():
            setattr(item, key, value)


async def _sync_pages(
    session: AsyncSession,
    ds: Datasource,
    mode: str,
    settings: Settings,
    outbound: OutboundClient,
    creds: Credentials | None,
) -> None:
    if creds is None or not creds.url or not creds.token:
        raise atlassian.FetchError("no credentials: attach a Confluence/Jira integration (setting_id)")
    conf = settings.datasources
    fetcher = atlassian.RestFetcher(
        outbound,
        atlassian.auth_headers(creds.username, creds.token),
        conf.fetch_max_retries,
        conf.fetch_backoff_seconds,
    )
    known = await repository.items(session, ds.id)
    seen: set[str] = set()
    if ds.index_type == CONFLUENCE:
        pages = atlassian.confluence_pages(
            fetcher,
            creds.url,
            str(ds.config.get("cql")),
            int(ds.config.get("pages_per_request") or conf.fetch_page_size),
            ds.config.get("max_pages"),
        )
    else:
        pages = atlassian.jira_issues(fetcher, creds.url, str(ds.config.get("jql")), conf.fetch_page_size)
    async for page in pages:
        seen.add(page.path)
        item = known.get(page.path)
        if item is not None and item.content_hash == page.content_hash and item.state == "done":
            continue
        await _upsert_pending(
            session,
            ds.id,
            known,
            page.path,
            page.content_hash,
            content=page.text.encode(),
            title=page.title,
            url=page.url,
            mime_type="text/plain",
        )
        ds.items_total = len(known)
    await session.flush()
    await repository.delete_items(session, ds.id, [p for p in known if p not in seen])


def content_hash(content: bytes) -> str:
    """Hash of uploaded bytes."""
    return hashlib.sha256(content).hexdigest()
