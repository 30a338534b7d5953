"""Plumbing for the datasource benchmarks: a fresh embedded PostgreSQL, a user, a project, a datasource."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from codemill.db.embedded import EmbeddedPostgres
from codemill.db.engine import make_engine, make_sessionmaker
from codemill.db.migrate import upgrade_to_head
from codemill.models import Datasource, Project, ProjectMember, User
from codemill.models.base import new_id


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
        user = User(email=f"{new_id()}@bench.test", username=new_id(), name="Bench", picture="", auth_source="local",
                    is_admin=False, is_maintainer=False, is_active=True, preferences={})  # fmt: skip
        project = Project(name=f"bench-{new_id()[:8]}", project_type="shared")
        session.add_all([user, project])
        await session.flush()
        session.add(ProjectMember(project_name=project.name, user_id=user.id, is_project_admin=True, is_default=True))
        ds = Datasource(project_name=project.name, name="bench", index_type=index_type, created_by=user.id,
                        creator={}, shared_with_project=False, config=config, embeddings_model=model,
                        embedding_dims=dims, status="pending", items_total=0, items_done=0, items_skipped=0,
                        chunks_total=0, chunks_done=0)  # fmt: skip
        session.add(ds)
        await session.commit()
        return ds.id
