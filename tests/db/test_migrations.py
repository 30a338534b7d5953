"""Migrations: they apply from scratch, reach every head, and create exactly what the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from codemill.db.embedded import EmbeddedPostgres
from codemill.db.engine import make_engine
from codemill.db.migrate import current_revisions, head_revisions, upgrade_to_head
from codemill.models import Base


async def test_migrations_match_models(postgres: EmbeddedPostgres) -> None:
    url = postgres.create_database("migrations_check")
    upgrade_to_head(url)
    upgrade_to_head(url)  # idempotent
    engine = make_engine(url, pool_size=1)
    try:
        assert await current_revisions(engine) == head_revisions()
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
            vector = await conn.execute(text("SELECT extversion FROM pg_extension WHERE extname = 'vector'"))
            assert vector.scalar_one()
    finally:
        await engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
