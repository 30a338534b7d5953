"""Plumbing for the datasource benchmarks: a fresh embedded PostgreSQL, a user, a project, a datasource."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from tests.datasources.support import seed_datasource

from codemill.db.embedded import EmbeddedPostgres
from codemill.db.engine import make_engine, make_sessionmaker
from codemill.db.migrate import upgrade_to_head


@dataclass
class BenchDatabase:
    """A migrated database of its own."""

    root: Path
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


@asynccontextmanager
async def bench_database() -> AsyncIterator[BenchDatabase]:
    """A fresh PostgreSQL (with pgvector) under a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="codemill-dsbench-") as tmp:
        root = Path(tmp)
        postgres = EmbeddedPostgres(root / "pg")
        url = postgres.start()
        upgrade_to_head(url)
        engine = make_engine(url, pool_size=4)
        try:
            yield BenchDatabase(root, url, engine, make_sessionmaker(engine))
        finally:
            await engine.dispose()
            postgres.stop()


async def new_datasource(
    db: BenchDatabase, index_type: str, config: dict[str, object], model: str = "", dims: int = 0
) -> str:
    """A user, a project and a datasource row; the datasource id."""
    async with db.sessions() as session:
        _, _, ds = await seed_datasource(
            session, index_type=index_type, name="bench", config=config, embeddings_model=model, dims=dims
        )
        await session.commit()
        return ds.id
