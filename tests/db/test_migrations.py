"""Migrations: they apply from scratch, reach the head, undo cleanly, and create exactly what the models declare."""

from __future__ import annotations

import warnings

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from codemill.db.embedded import EmbeddedPostgres
from codemill.db.engine import make_engine
from codemill.db.migrate import alembic_config, current_revisions, head_revisions, upgrade_to_head
from codemill.models import Base
from codemill.models.datasources import INDEXED_DIMENSIONS


async def test_migrations_match_models(postgres: EmbeddedPostgres) -> None:
    url = postgres.create_database("migrations_check")
    upgrade_to_head(url)
    upgrade_to_head(url)  # idempotent
    engine = make_engine(url, pool_size=1)
    try:
        assert await current_revisions(engine) == head_revisions()
        async with engine.connect() as conn:
            with warnings.catch_warnings():
                # Alembic cannot compare expression indexes (the HNSW ones): they are checked below instead.
                warnings.filterwarnings("ignore", message=".*(expression-based index|Expression compare cannot)")
                diff = await conn.run_sync(
                    lambda sync: compare_metadata(
                        MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                    )
                )
            vector = await conn.execute(text("SELECT extversion FROM pg_extension WHERE extname = 'vector'"))
            assert vector.scalar_one()
            rows = await conn.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'datasource_chunks'")
            )
            indexes = {name: made for name, made in rows.all()}
            for dims in INDEXED_DIMENSIONS:
                made = indexes[f"ix_datasource_chunks_hnsw_{dims}"]
                assert "USING hnsw" in made and f"vector({dims})" in made and "vector_cosine_ops" in made, made
                assert f"WHERE (dims = {dims})" in made and "ef_construction" in made, made
    finally:
        await engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_history_is_linear_and_downgrades_to_base(postgres: EmbeddedPostgres) -> None:
    """One head (new migrations have one parent to name), and every migration can be undone and redone."""
    assert len(head_revisions()) == 1
    url = postgres.create_database("migrations_roundtrip")
    upgrade_to_head(url)
    command.downgrade(alembic_config(url), "base")
    upgrade_to_head(url)


def test_databases_from_the_branched_history_upgrade(postgres: EmbeddedPostgres) -> None:
    """Data dirs migrated while 0002..0005 all branched off 0001 hold one version row per branch."""
    url = postgres.create_database("migrations_branched")
    command.upgrade(alembic_config(url), "0005")  # the schema those data dirs had (later revisions apply on top)
    engine = create_engine(url.replace("+asyncpg", "+psycopg"))

    def record(*revisions: str) -> None:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
            for revision in revisions:
                conn.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})

    try:
        record("0002", "0003", "0004", "0005")
        upgrade_to_head(url)
        with engine.connect() as conn:
            assert set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()) == head_revisions()
        record("0002", "0003", "0005")  # a branch never applied: refused, not skipped
        with pytest.raises(RuntimeError, match=r"not \['0004'\]"):
            upgrade_to_head(url)
    finally:
        engine.dispose()
