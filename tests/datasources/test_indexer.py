"""The indexing pipeline in-process on the real database: the embeddings model is recorded per datasource,
a different model forces a full reindex (vectors never mix), and search refuses a stale datasource."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from codemill.auth.principal import Principal
from codemill.datasources import retrieval
from codemill.datasources.indexer import Indexer, IndexingEnv
from codemill.datasources.sync import git_root, sweep_clones
from codemill.errors import Conflict
from codemill.kit.outbound import OutboundClient
from codemill.models import Datasource, DatasourceItem
from codemill.models.base import new_id
from codemill.search.backends.hashing import HashingEmbedder
from codemill.settings import Settings
from tests.datasources.support import seed_datasource

DOCS = {
    "a.md": b"# Alpha\n\nApples are red.",
    "b.txt": b"Bananas are yellow.",
    "c.csv": b"fruit,colour\ncherry,dark red\n",
}


async def test_model_change_forces_full_reindex(engine: AsyncEngine) -> None:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        user, project, ds = await seed_datasource(session)
        for path, content in DOCS.items():
            session.add(
                DatasourceItem(
                    datasource_id=ds.id, path=path, content_hash=path, content=content, state="pending", chunk_count=0
                )
            )
        await session.commit()
    principal = Principal(user.id, user.email, user.username, "U", False, "local", projects={project.name: False})
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    outbound = OutboundClient(allow_private=False)
    first, second = HashingEmbedder(384), HashingEmbedder(256)

    await Indexer(IndexingEnv(settings, sessions, first, outbound), ds.id, "incremental", None).run()
    async with sessions() as session:
        row = await session.get(Datasource, ds.id)
        assert row is not None and (row.status, row.embeddings_model, row.embedding_dims) == (
            "indexed",
            "hashing-384",
            384,
        )
        assert (row.items_done, row.chunks_done, row.chunks_total) == (3, 3, 3)
        hits = await retrieval.search(session, principal, first, [row], "cherry colour", 3)
        assert hits[0].item_path == "c.csv" and "fruit: cherry" in hits[0].content

    # Another model: even an "incremental" run re-embeds everything, and only the new vectors remain.
    await Indexer(IndexingEnv(settings, sessions, second, outbound), ds.id, "incremental", None).run()
    async with sessions() as session:
        row = await session.get(Datasource, ds.id)
        assert row is not None and (row.embeddings_model, row.embedding_dims, row.chunks_done) == (
            "hashing-256",
            256,
            3,
        )
        dims = (
            (
                await session.execute(
                    text("SELECT DISTINCT dims FROM datasource_chunks WHERE datasource_id = :d"), {"d": ds.id}
                )
            )
            .scalars()
            .all()
        )
        assert dims == [256]
        with pytest.raises(Conflict, match="another embeddings model"):
            await retrieval.search(session, principal, first, [row], "cherry", 3)
    await outbound.aclose()


async def test_sweep_removes_only_the_clones_of_deleted_datasources(engine: AsyncEngine, tmp_path: Path) -> None:
    """What a worker does when it starts: clones of datasources deleted elsewhere go, the others stay."""
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        _, _, kept = await seed_datasource(session, index_type="code", name="repo", status="indexed")
        await session.commit()
    deleted = new_id()
    for name in (kept.id, deleted):
        (git_root(settings, name) / ".git").mkdir(parents=True)
    async with sessions() as session:
        assert await sweep_clones(session, settings) == [deleted]
    assert git_root(settings, kept.id).is_dir() and not git_root(settings, deleted).exists()
    async with sessions() as session:
        assert await sweep_clones(session, settings) == []
